// AgentFrameParser: reads the JSON frames the daemon sends on the agent
// WebSocket (docs/agent-api.md) and keeps what the simulated agents need: the
// frame type, the session, and the load generator's sequence markers found in
// the message texts it carries.
//
// Thread safety: one parser per thread (it reuses its simdjson parser and
// buffer).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "routerd/status.h"

namespace routerd::loadgen {

struct AgentFrame {
  enum class Type { kState, kAssigned, kMessage, kSessionEnded, kAck, kError, kOther };
  Type type = Type::kOther;
  std::string session_id;             // assigned, message, session_ended
  std::string state;                  // state: signed_out, not_ready, ready
  std::vector<std::string> sessions;  // state (on connect): the agent's open sessions
  std::int64_t id = -1;               // ack, error: the request id (integer ids only)
  std::string error;                  // error: kind and detail
  // Markers of the wanted run found in message texts (assigned: every message
  // so far; message: the new one), and how many texts had none.
  std::vector<std::uint64_t> seqs;
  int texts_without_marker = 0;
};

class AgentFrameParser {
 public:
  explicit AgentFrameParser(std::uint32_t run_id) : run_id_(run_id) {}
  StatusOr<AgentFrame> Parse(std::string_view json);

 private:
  void AddText(std::string_view text, AgentFrame& frame) const;

  std::uint32_t run_id_;
  simdjson::ondemand::parser parser_;
  std::string buffer_;  // the frame, copied with simdjson's padding
};

}  // namespace routerd::loadgen
