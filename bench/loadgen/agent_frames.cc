#include "bench/loadgen/agent_frames.h"

#include <cstring>

#include "bench/loadgen/traffic.h"

namespace routerd::loadgen {
namespace {

using simdjson::SUCCESS;
namespace od = simdjson::ondemand;

Status Bad(std::string_view what) { return Status::InvalidArgument("agent frame: " + std::string(what)); }

}  // namespace

void AgentFrameParser::AddText(std::string_view text, AgentFrame& frame) const {
  if (auto seq = FindMarker(text, run_id_)) {
    frame.seqs.push_back(*seq);
  } else {
    ++frame.texts_without_marker;
  }
}

StatusOr<AgentFrame> AgentFrameParser::Parse(std::string_view json) {
  buffer_.resize(json.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(buffer_.data(), json.data(), json.size());
  od::document doc;
  if (parser_.iterate(buffer_.data(), json.size(), buffer_.size()).get(doc) != SUCCESS) return Bad("not JSON");
  od::object root;
  if (doc.get_object().get(root) != SUCCESS) return Bad("not an object");

  AgentFrame frame;
  std::string_view type;
  // Fields are read in any order: the daemon's order is not part of the protocol.
  if (root.find_field_unordered("type").get_string().get(type) != SUCCESS) return Bad("no type");
  if (type == "state") {
    frame.type = AgentFrame::Type::kState;
    std::string_view state;
    if (root.find_field_unordered("state").get_string().get(state) != SUCCESS) return Bad("state without state");
    frame.state = state;
    od::array sessions;
    if (root.find_field_unordered("sessions").get_array().get(sessions) == SUCCESS) {
      for (auto s : sessions) {
        std::string_view id;
        if (s.get_string().get(id) != SUCCESS) return Bad("state.sessions holds a non-string");
        frame.sessions.emplace_back(id);
      }
    }
    return frame;
  }
  if (type == "ack" || type == "error") {
    frame.type = type == "ack" ? AgentFrame::Type::kAck : AgentFrame::Type::kError;
    std::int64_t id = -1;
    if (root.find_field_unordered("id").get_int64().get(id) == SUCCESS) frame.id = id;
    if (frame.type == AgentFrame::Type::kError) {
      // Both are optional for the load generator: it only reports them.
      std::string_view kind = "error", detail;
      if (root.find_field_unordered("error").get_string().get(kind) != SUCCESS) kind = "error";
      if (root.find_field_unordered("detail").get_string().get(detail) != SUCCESS) detail = {};
      frame.error = std::string(kind) + ": " + std::string(detail);
    }
    return frame;
  }
  if (type != "assigned" && type != "message" && type != "session_ended") return frame;  // kOther

  std::string_view session;
  if (root.find_field_unordered("session_id").get_string().get(session) != SUCCESS) {
    return Bad(std::string(type) + " without session_id");
  }
  frame.session_id = session;
  if (type == "session_ended") {
    frame.type = AgentFrame::Type::kSessionEnded;
    return frame;
  }
  if (type == "message") {
    frame.type = AgentFrame::Type::kMessage;
    std::string_view text;
    if (root.find_field_unordered("message").find_field_unordered("text").get_string().get(text) != SUCCESS) {
      return Bad("message without message.text");
    }
    AddText(text, frame);
    return frame;
  }
  frame.type = AgentFrame::Type::kAssigned;
  od::array messages;
  if (root.find_field_unordered("messages").get_array().get(messages) != SUCCESS) {
    return Bad("assigned without messages");
  }
  for (auto m : messages) {
    std::string_view text;
    if (m.find_field_unordered("text").get_string().get(text) != SUCCESS) return Bad("assigned message without text");
    AddText(text, frame);
  }
  return frame;
}

}  // namespace routerd::loadgen
