#include "engine/leave/leave_json.h"

#include "engine/http/http_message.h"
#include "engine/leave/contact_number.h"

namespace routerd::leave {
namespace {

void Key(std::string& out, std::string_view key) {
  out += ",\"";
  out += key;
  out += "\":";
}

void Str(std::string& out, std::string_view key, std::string_view value) {
  Key(out, key);
  http::AppendJsonString(out, value);
}

void OptStr(std::string& out, std::string_view key, const std::optional<std::string>& value) {
  Key(out, key);
  if (value) {
    http::AppendJsonString(out, *value);
  } else {
    out += "null";
  }
}

void Int(std::string& out, std::string_view key, std::int64_t value) {
  Key(out, key);
  out += std::to_string(value);
}

}  // namespace

std::string MaskContactNumber(std::string_view number) {
  constexpr std::size_t kShown = 4;
  std::vector<std::size_t> starts;  // byte offset of each character
  for (std::size_t i = 0; i < number.size(); ++i) {
    if ((static_cast<unsigned char>(number[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  if (starts.size() <= kShown) return std::string(starts.size(), '*');
  const std::size_t keep_from = starts[starts.size() - kShown];
  return std::string(starts.size() - kShown, '*') + std::string(number.substr(keep_from));
}

std::string MessageJson(const leave::StoredLeaveMessage& m, const std::vector<leave::LeaveHistoryEntry>* history,
                        bool show_contact) {
  std::string out = "{\"id\":" + std::to_string(m.id);
  Str(out, "tenant_id", m.tenant_id);
  Str(out, "channel_type", m.channel_kind);
  Str(out, "channel_id", m.channel_id);
  Str(out, "contact_number", show_contact ? m.customer_id : MaskContactNumber(m.customer_id));
  Str(out, "contact_number_type", ContactNumberType(m));
  Str(out, "display_name", m.display_name);
  Str(out, "text", m.text);
  Key(out, "attachment");
  if (m.attachment_ref.empty()) {
    out += "null";
  } else {
    out += "{\"ref\":";
    http::AppendJsonString(out, m.attachment_ref);
    out += ",\"mime\":";
    http::AppendJsonString(out, m.attachment_mime);
    out += ",\"sha256\":";
    http::AppendJsonString(out, m.attachment_sha256);
    out += "}";
  }
  Str(out, "skill_queue", m.skill_queue);
  Str(out, "reason", m.reason);
  Str(out, "status", leave::LeaveStatusName(m.status));
  OptStr(out, "employee_id", m.employee_id);
  OptStr(out, "business_account", m.business_account);
  Int(out, "created_at_ms", m.created_at_ms);
  Int(out, "updated_at_ms", m.updated_at_ms);
  OptStr(out, "handling_comments", m.handling_comments);
  if (history != nullptr) {
    out += ",\"history\":[";
    bool first = true;
    for (const leave::LeaveHistoryEntry& h : *history) {
      if (!first) out += ",";
      first = false;
      out += "{\"seq\":" + std::to_string(h.seq);
      Int(out, "at_ms", h.at_ms);
      Str(out, "actor", h.actor);
      Str(out, "action", h.action);
      Key(out, "from");
      if (h.from) {
        http::AppendJsonString(out, leave::LeaveStatusName(*h.from));
      } else {
        out += "null";
      }
      Str(out, "to", leave::LeaveStatusName(h.to));
      Str(out, "detail", h.detail);
      out += "}";
    }
    out += "]";
  }
  out += "}";
  return out;
}

std::string AllocatedEventJson(const leave::StoredLeaveMessage& message, bool show_contact) {
  return "{\"type\":\"leave_message_allocated\",\"message\":" + MessageJson(message, nullptr, show_contact) + "}";
}


}  // namespace routerd::leave
