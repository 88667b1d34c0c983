#include "engine/gateway/gateway_json.h"

#include <limits>
#include <utility>

#include "engine/gateway/json_parts.h"
#include "engine/http/http_message.h"

namespace routerd::gateway {
using namespace http::json_fields;

void AppendMessage(std::string& out, const Contact& c) {
  out += "{";
  Str(out, "id", c.provider_message_id);
  out += ",";
  Str(out, "text", c.text);
  out += ",";
  Num(out, "sent_at_ms", c.sent_at_ms);
  out += ",";
  Num(out, "received_at_ms", c.received_at_ms);
  out += ",";
  Key(out, "attachments");
  out += "[";
  for (std::size_t i = 0; i < c.attachments.size(); ++i) {
    const AttachmentRef& a = c.attachments[i];
    if (i) out += ",";
    out += "{";
    Str(out, "type", a.type);
    out += ",";
    Str(out, "reference", a.reference);
    if (!a.mime.empty()) {
      out += ",";
      Str(out, "mime", a.mime);
    }
    if (a.size_bytes) {
      out += ",";
      Num(out, "size", static_cast<std::int64_t>(*a.size_bytes));
    }
    if (!a.name.empty()) {
      out += ",";
      Str(out, "name", a.name);
    }
    out += "}";
  }
  out += "]}";
}

std::string AssignedJson(const routing::RoutingEvent& e) {
  std::string out = "{\"type\":\"assigned\",";
  AppendSessionId(out, e.session_id);
  out += ",";
  AppendChannel(out, *e.contact);
  out += ",";
  Str(out, "skill_queue", e.queue_id);
  out += ",";
  Num(out, "waited_ms", e.waited_ns / 1'000'000);
  out += ",";
  Key(out, "route");
  out += "{";
  Str(out, "strategy", e.strategy);
  out += ",";
  Num(out, "effective_cap", e.effective_cap);
  out += ",";
  AppendCapOrigin(out, e.cap_origin, e.cap_origin_ou);
  out += "},";
  Num(out, "active_sessions", e.active_sessions);
  out += ",";
  Key(out, "messages");
  out += "[";
  bool first = true;
  e.ForEachMessage([&](const ContactPtr& c) {
    if (!first) out += ",";
    first = false;
    AppendMessage(out, *c);
  });
  out += "]}";
  return out;
}

std::string MessageJson(const routing::RoutingEvent& e) {
  std::string out = "{\"type\":\"message\",";
  AppendSessionId(out, e.session_id);
  out += ",";
  Key(out, "message");
  AppendMessage(out, *e.contact);
  out += "}";
  return out;
}

std::string SessionEndedJson(const routing::RoutingEvent& e) {
  std::string out = "{\"type\":\"session_ended\",";
  AppendSessionId(out, e.session_id);
  out += ",";
  Str(out, "reason", routing::EndReasonName(e.end_reason));
  out += ",";
  Num(out, "active_sessions", e.active_sessions);
  if (e.wrap_up_ns > 0) {
    out += ",";
    Num(out, "wrap_up_ms", e.wrap_up_ns / 1'000'000);
  }
  out += "}";
  return out;
}

std::string StateJsonFromEvent(const routing::RoutingEvent& e) {
  std::string out = "{\"type\":\"state\",";
  Str(out, "employee_id", e.employee_id);
  out += ",";
  Str(out, "state", routing::AgentStateName(e.agent_state));
  AppendNotReadyReason(out, e.not_ready_reason);
  out += ",";
  Num(out, "active_sessions", e.active_sessions);
  out += ",";
  Num(out, "wrap_ups", e.wrap_ups);
  out += ",";
  Num(out, "effective_cap", e.effective_cap);
  out += ",";
  AppendCapOrigin(out, e.cap_origin, e.cap_origin_ou);
  out += "}";
  return out;
}

void AppendConfiguredAgent(std::string& out, const config::AgentConfig& a) {
  Str(out, "employee_id", a.employee_id);
  out += ",";
  Str(out, "name", a.name);
  out += ",";
  Str(out, "business_account", a.business_account);
  out += ",";
  Str(out, "agent_type", config::AgentTypeName(a.type));
  out += ",";
  Str(out, "ou", a.ou);
  out += ",";
  AppendStringArray(out, "skill_queues", a.skill_queues);
}

void AppendPersonalSettings(std::string& out, const config::PersonalSettings& personal) {
  Key(out, "personal_settings");
  out += "{";
  Key(out, "agent_sets_cap");
  out += personal.agent_sets_cap ? "true" : "false";
  out += ",";
  Num(out, "agent_cap_min", personal.agent_cap_min);
  out += ",";
  Num(out, "agent_cap_max", personal.agent_cap_max);
  out += "}";
}

void AppendChannelKindCaps(std::string& out, const routing::TenantRouter& tenant,
                           const routing::AgentView& view) {
  if (view.kinds.empty()) return;
  out += ",";
  Key(out, "channel_kinds");
  out += "[";
  for (std::size_t k = 0; k < view.kinds.size(); ++k) {
    const routing::KindLoad& kind = view.kinds[k];
    if (k) out += ",";
    out += "{";
    Str(out, "kind", tenant.KindName(static_cast<std::uint32_t>(k)));
    out += ",";
    Num(out, "in_use", kind.load);
    out += ",";
    Num(out, "effective_cap", kind.cap.cap);
    out += ",";
    AppendCapOrigin(out, kind.cap.origin, kind.cap.origin == routing::CapOrigin::kOu ? tenant.OuId(kind.cap.ou) : "");
    out += "}";
  }
  out += "]";
}

std::string AgentJson(const routing::TenantRouter& tenant, std::uint32_t agent, std::string_view type,
                      std::int64_t now_ns) {
  const auto view = tenant.Agent(agent);
  std::string out = "{";
  if (!type.empty()) {
    Str(out, "type", type);
    out += ",";
  }
  Str(out, "employee_id", view.employee_id);
  out += ",";
  Str(out, "agent_type", config::AgentTypeName(view.type));
  out += ",";
  Str(out, "state", routing::AgentStateName(view.state));
  AppendNotReadyReason(out, view.not_ready_reason);
  out += ",";
  Num(out, "active_sessions", static_cast<std::int64_t>(view.session_slots.size()));
  out += ",";
  Num(out, "effective_cap", view.cap.cap);
  out += ",";
  AppendCapOrigin(out, view.cap.origin, view.cap.origin == routing::CapOrigin::kOu ? tenant.OuId(view.cap.ou) : "");
  AppendChannelKindCaps(out, tenant, view);
  out += ",";
  AppendSkillLevels(out, "skills", *view.skills);
  out += ",";
  Key(out, "sessions");
  out += "[";
  for (std::size_t i = 0; i < view.session_slots.size(); ++i) {
    if (i) out += ",";
    out += "\"" + std::to_string(tenant.SessionIdAtSlot(view.session_slots[i])) + "\"";
  }
  out += "],";
  Key(out, "wrap_ups");
  out += "[";
  for (std::size_t i = 0; i < view.wrap_ups.size(); ++i) {
    const auto& w = view.wrap_ups[i];
    if (i) out += ",";
    out += "{";
    AppendSessionId(out, w.session_id);
    out += ",";
    Str(out, "skill_queue", tenant.QueueId(w.queue));
    out += ",";
    Num(out, "remaining_ms", std::max<std::int64_t>(0, (w.until_ns - now_ns) / 1'000'000));
    out += "}";
  }
  out += "]}";
  return out;
}

void AppendSkillLevels(std::string& out, std::string_view key, const config::SkillLevels& skills) {
  Key(out, key);
  out += "{";
  for (std::size_t i = 0; i < skills.size(); ++i) {
    if (i) out += ",";
    Num(out, skills[i].skill, skills[i].level);
  }
  out += "}";
}

namespace {

void NumOrNull(std::string& out, std::string_view key, std::int64_t value, bool known) {
  if (known) {
    Num(out, key, value);
  } else {
    Key(out, key);
    out += "null";
  }
}

void Durations(std::string& out, std::string_view key, const routing::DurationHistogram& h) {
  Key(out, key);
  out += "{";
  const std::uint64_t n = h.count();
  NumOrNull(out, "average", n ? static_cast<std::int64_t>(h.sum_ms() / n) : 0, n > 0);
  for (const auto& [name, q] : {std::pair<std::string_view, double>{"p50", 0.5}, {"p90", 0.9}}) {
    const std::int64_t bound = h.QuantileMs(q);
    out += ",";
    NumOrNull(out, name, bound, bound >= 0 && bound != std::numeric_limits<std::int64_t>::max());
  }
  out += "}";
}

}  // namespace

void AppendQueueStatistics(std::string& out, const routing::QueueStatistics& s) {
  Key(out, "statistics");
  out += "{";
  Num(out, "answered", static_cast<std::int64_t>(s.answered.Get()));
  out += ",";
  Num(out, "answered_in_service_level", static_cast<std::int64_t>(s.answered_in_time.Get()));
  out += ",";
  Num(out, "service_level_seconds", s.service_level_ms.load(std::memory_order_relaxed) / 1000);
  out += ",";
  // Whole percent, rounded down: a wallboard number, not an accounting one.
  const double level = s.ServiceLevelPercent();
  NumOrNull(out, "service_level_percent", static_cast<std::int64_t>(level), level >= 0);
  out += ",";
  Num(out, "abandoned", static_cast<std::int64_t>(s.abandoned.Get()));
  out += ",";
  Num(out, "overflowed", static_cast<std::int64_t>(s.overflowed.Get()));
  out += ",";
  Num(out, "transferred", static_cast<std::int64_t>(s.transferred.Get()));
  out += ",";
  Durations(out, "wait_ms", s.wait);
  out += ",";
  Durations(out, "handle_ms", s.handle);
  out += "}";
}

std::string AckJson(std::string_view raw_id) {
  std::string out = "{\"type\":\"ack\"";
  if (!raw_id.empty()) {
    out += ",\"id\":";
    out += raw_id;
  }
  out += "}";
  return out;
}

std::string ErrorJson(std::string_view raw_id, std::string_view error, std::string_view detail) {
  std::string out = "{\"type\":\"error\"";
  if (!raw_id.empty()) {
    out += ",\"id\":";
    out += raw_id;
  }
  out += ",";
  Str(out, "error", error);
  out += ",";
  Str(out, "detail", detail);
  out += "}";
  return out;
}

}  // namespace routerd::gateway
