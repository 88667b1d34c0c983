// A session as GET /api/v1/sessions/{id} and the agent's session list show
// it: messages, route and every hop; and an ended session's trace.
#include <string>

#include "engine/gateway/gateway_json.h"
#include "engine/gateway/json_parts.h"
#include "engine/http/http_message.h"

namespace routerd::gateway {
namespace {

using namespace http::json_fields;

using http::AppendJsonString;

// "hops":[{"kind":"entered","after_ms":0,"queue":"general"},...]: each step
// of the session's way, `after_ms` counted from its first arrival.
void AppendHops(std::string& out, const routing::TenantRouter& tenant, std::uint64_t session_id,
                std::int64_t arrival_ns) {
  using Kind = routing::HopKind;
  Key(out, "hops");
  out += "[";
  const auto hops = tenant.RouteOf(session_id);
  for (std::size_t i = 0; hops && i < hops->size(); ++i) {
    const routing::RouteHop& h = (*hops)[i];
    if (i) out += ",";
    out += "{";
    Str(out, "kind", routing::HopKindName(h.kind));
    out += ",";
    Num(out, "after_ms", (h.at_ns - arrival_ns) / 1'000'000);
    if (h.queue != routing::kNone) {
      out += ",";
      Str(out, "queue", tenant.QueueId(h.queue));
    }
    if (h.agent != routing::kNone) {
      out += ",";
      Str(out, "employee_id", tenant.Agent(h.agent).employee_id);
    }
    switch (h.kind) {
      case Kind::kAssigned:
        out += ",";
        Str(out, "by", h.detail ? "transfer" : "queue");
        out += ",";
        Num(out, "effective_cap", h.cap);
        out += ",";
        Str(out, "cap_origin", routing::CapOriginName(h.cap_origin));
        break;
      case Kind::kReserved:
        out += ",";
        Str(out, "source", routing::PreferenceSourceName(
                               static_cast<routing::PreferenceSource>(h.detail)));
        break;
      case Kind::kWaitEnded:
        out += ",";
        Str(out, "outcome", routing::PreferenceOutcomeName(
                                static_cast<routing::PreferenceOutcome>(h.detail)));
        break;
      case Kind::kOverflowed:
      case Kind::kLeaveMessage:
        out += ",";
        Str(out, "reason", routing::LeaveReasonName(static_cast<routing::LeaveReason>(h.detail)));
        break;
      case Kind::kEnded:
        out += ",";
        Str(out, "reason", routing::EndReasonName(static_cast<routing::EndReason>(h.detail)));
        out += ",";
        Num(out, "wrap_up_ms", h.wrap_up_ms);
        break;
      default:
        break;
    }
    out += "}";
  }
  out += "]";
}

}  // namespace

std::optional<std::string> EndedSessionTrace(const routing::TenantRouter& tenant, std::uint64_t session_id) {
  const auto s = tenant.EndedSession(session_id);
  if (!s) return std::nullopt;
  std::string out = "{";
  AppendSessionId(out, s->id);
  out += ",";
  AppendChannel(out, **s->first);
  out += ",";
  Str(out, "state", "ended");
  out += ",";
  AppendHops(out, tenant, s->id, s->arrival_ns);
  out += "}";
  return out;
}

std::string EndedSessionJson(std::string_view trace, std::int64_t ended_ms_ago) {
  std::string out = "{";
  Num(out, "ended_ms_ago", ended_ms_ago < 0 ? 0 : ended_ms_ago);
  if (trace.size() > 2) out += ",";  // not "{}"
  out.append(trace.substr(1));
  return out;
}

std::string SessionJson(const routing::TenantRouter& tenant, const routing::SessionView& s,
                        bool with_messages, std::int64_t now_ns) {
  std::string out = "{";
  AppendSessionId(out, s.id);
  out += ",";
  AppendChannel(out, **s.first);
  out += ",";
  Str(out, "skill_queue", tenant.QueueId(s.queue));
  out += ",";
  Str(out, "state", s.agent == routing::kNone ? "waiting" : "assigned");
  out += ",";
  Num(out, "priority", s.priority);
  out += ",";
  Str(out, "priority_origin", routing::PriorityOriginName(s.priority_origin));
  if (s.agent != routing::kNone) {
    out += ",";
    Str(out, "employee_id", tenant.Agent(s.agent).employee_id);
    const auto& t = *s.trace;
    out += ",";
    Key(out, "route");
    out += "{";
    Str(out, "queue", tenant.QueueId(t.queue));
    out += ",";
    Str(out, "strategy", tenant.TraceStrategy(t));
    out += ",";
    Num(out, "priority", t.priority);
    out += ",";
    Num(out, "waited_ms", t.waited_ns / 1'000'000);
    out += ",";
    Num(out, "effective_cap", t.cap.cap);
    out += ",";
    AppendCapOrigin(out, t.cap.origin, t.cap.origin == routing::CapOrigin::kOu ? tenant.OuId(t.cap.ou) : "");
    if (t.preference != routing::PreferenceSource::kNone) {
      out += ",";
      Str(out, "preference", routing::PreferenceSourceName(t.preference));
      out += ",";
      Str(out, "preference_outcome", routing::PreferenceOutcomeName(t.preference_outcome));
    }
    out += "}";
  } else {
    out += ",";
    // Its time in this queue: since it last entered one, as max_wait counts.
    Num(out, "waiting_ms", (now_ns - s.enqueued_ns) / 1'000'000);
  }
  if (s.preference != routing::PreferenceSource::kNone) {
    // Whom it prefers, why, and what became of it (pending while it waits for them).
    out += ",";
    Key(out, "preferred_agent");
    out += "{";
    Str(out, "source", routing::PreferenceSourceName(s.preference));
    out += ",";
    Key(out, "employee_id");
    if (s.preferred_agent != routing::kNone) {
      AppendJsonString(out, tenant.Agent(s.preferred_agent).employee_id);
    } else {
      out += "null";
    }
    out += ",";
    Str(out, "outcome", routing::PreferenceOutcomeName(s.preference_outcome));
    out += ",\"reserved\":";
    out += s.reserved ? "true" : "false";
    out += "}";
  }
  out += ",";
  AppendHops(out, tenant, s.id, s.arrival_ns);
  out += ",";
  Num(out, "age_ms", (now_ns - s.arrival_ns) / 1'000'000);
  out += ",";
  Num(out, "messages_count", static_cast<std::int64_t>(s.messages));
  if (with_messages) {
    out += ",";
    Key(out, "messages");
    out += "[";
    for (std::size_t i = 0; i < s.history->size(); ++i) {
      if (i) out += ",";
      AppendMessage(out, *(*s.history)[i]);
    }
    out += "]";
  }
  out += "}";
  return out;
}

}  // namespace routerd::gateway
