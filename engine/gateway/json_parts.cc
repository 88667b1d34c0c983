#include "engine/gateway/json_parts.h"

#include "engine/http/http_message.h"

namespace routerd::gateway {
using namespace http::json_fields;

void AppendSessionId(std::string& out, std::uint64_t id) {
  Key(out, "session_id");
  out.push_back('"');
  out += std::to_string(id);
  out.push_back('"');
}
void AppendChannel(std::string& out, const Contact& c) {
  Key(out, "channel");
  out += "{";
  Str(out, "kind", c.channel_kind);
  out += ",";
  Str(out, "id", c.channel_id);
  out += "},";
  Key(out, "customer");
  out += "{";
  Str(out, "id", c.customer_id);
  out += ",";
  Str(out, "name", c.display_name);
  out += "}";
}
void AppendNotReadyReason(std::string& out, std::string_view reason) {
  if (reason.empty()) return;
  out += ",";
  Str(out, "not_ready_reason", reason);
}
void AppendStringArray(std::string& out, std::string_view key, const std::vector<std::string>& values) {
  http::AppendJsonKey(out, key);
  out += "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ",";
    http::AppendJsonString(out, values[i]);
  }
  out += "]";
}
void AppendCapOrigin(std::string& out, routing::CapOrigin origin, std::string_view ou) {
  Str(out, "cap_origin", routing::CapOriginName(origin));
  if (origin == routing::CapOrigin::kOu) {
    out += ",";
    Str(out, "cap_origin_ou", ou);
  }
}

}  // namespace routerd::gateway
