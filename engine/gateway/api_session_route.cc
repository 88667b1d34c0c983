// /api/v1/sessions/{id}[/close|/transfer|/priority]: a session as the router
// holds it, and what an agent or the tenant admin may do to it.
#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "engine/base/log_limiter.h"
#include "engine/gateway/api_common.h"
#include "engine/gateway/api_handler.h"
#include "engine/gateway/gateway_json.h"
#include "engine/gateway/transfer_request.h"

namespace routerd::gateway {

using http::HttpRequest;
using http::HttpResponse;
using http::HttpStatus;
using http::JsonError;
using Verb = boost::beast::http::verb;

std::optional<HttpResponse> ApiHandler::SessionRoute(HttpRequest& request, const Principal& who, std::string_view id,
                                                     std::string_view rest, http::RequestContext& ctx) {
  const auto session = ParseSessionId(id);
  if (!session) return JsonError(HttpStatus::not_found, "not_found", "no such session");
  const Verb verb = request.method();
  auto ref = shards_.directory().FindTenant(who.tenant->id);
  routing::AgentCommand cmd;
  cmd.session_id = *session;
  // An agent acts on its own sessions only (the router refuses others with
  // 404); the admin on any session of the tenant.
  if (who.admin()) {
    cmd.target = routing::kAnyAgent;
  } else {
    cmd.target = *shards_.directory().FindAgent(*ref, who.employee_id);
  }

  if (rest.empty()) {
    if (!who.admin()) return Forbidden("tenant_admin only");
    if (verb != Verb::get) return MethodNotAllowed("GET");
    SessionQuery(who, *session, ctx);
    return std::nullopt;
  }
  if (rest == "/close") {
    if (verb != Verb::post) return MethodNotAllowed("POST");
    cmd.type = routing::AgentCommandType::kCloseSession;
  } else if (rest == "/transfer") {
    if (verb != Verb::post) return MethodNotAllowed("POST");
    Body b = ParseBody(request, {"to_queue", "to_agent", "preferred_agent"});
    if (b.error) return std::move(*b.error);
    const Status parsed = ParseTransferRequest(shards_.directory(), *ref, b.root, cmd);
    if (!parsed.ok()) return FromCode(parsed.code(), parsed.message());
    cmd.type = routing::AgentCommandType::kTransfer;
  } else if (rest == "/priority") {
    // PUT {"priority": 0..9} sets the session's priority, DELETE clears it
    // (its channel's or its queue's applies again).
    if (!who.admin()) return Forbidden("tenant_admin only");
    cmd.type = routing::AgentCommandType::kSetPriority;
    if (verb == Verb::put) {
      Body b = ParseBody(request, {"priority"});
      if (b.error) return std::move(*b.error);
      std::int64_t priority = -1;
      if (b.root["priority"].get_int64().get(priority) != simdjson::SUCCESS || priority < 0 ||
          priority > config::kMaxPriority) {
        return JsonError(HttpStatus::bad_request, "bad_request", "priority must be an integer 0..9");
      }
      cmd.priority = static_cast<std::uint8_t>(priority);
    } else if (verb != Verb::delete_) {
      return MethodNotAllowed("PUT, DELETE");
    }
  } else {
    return JsonError(HttpStatus::not_found, "not_found", "no such endpoint");
  }
  Command(who, cmd, ctx, who.admin() ? &request : nullptr);
  return std::nullopt;
}

void ApiHandler::SessionQuery(const Principal& who, std::uint64_t session_id, http::RequestContext& ctx) {
  constexpr std::string_view kUnknown = "no such session (open, or ended within the retention time)";
  const TraceLookup* lookup = trace_lookup_ ? &trace_lookup_ : nullptr;  // lives as long as the handler
  const Clock& clock = clock_;
  QueryLater(who, ctx, [session_id, lookup, &clock, tenant = std::string(who.tenant->id), kUnknown](
                           const routing::TenantRouter& t, std::int64_t now, const http::DeferredResponse& later) {
    if (auto s = t.Session(session_id)) return later.Send(Json(HttpStatus::ok, SessionJson(t, *s, true, now)));
    // Ended recently: the router still holds its trace.
    if (auto ended = t.EndedSession(session_id)) {
      return later.Send(
          Json(HttpStatus::ok, EndedSessionJson(*EndedSessionTrace(t, session_id), (now - ended->ended_ns) / 1'000'000)));
    }
    if (lookup == nullptr) return later.Send(JsonError(HttpStatus::not_found, "not_found", kUnknown));
    // Earlier, or before a restart: the trace storage kept.
    (*lookup)(tenant, session_id,
              [later, &clock, kUnknown](StatusOr<std::optional<storage::StoredSessionTrace>> stored) {
                if (!stored.ok()) {
                  // The reason names files or servers: for the operator's log, not the caller.
                  static LogLimiter limiter(std::chrono::seconds(10));
                  if (auto held = limiter.Allow()) {
                    spdlog::warn("{} ({} more held back)", stored.status().ToString(), *held);
                  }
                  return later.Send(JsonError(HttpStatus::service_unavailable, "storage_unavailable",
                                              "the kept route trace cannot be read now; retry later"));
                }
                if (!stored->has_value()) return later.Send(JsonError(HttpStatus::not_found, "not_found", kUnknown));
                const storage::StoredSessionTrace& trace = **stored;
                if (trace.trace.size() < 2 || trace.trace.front() != '{' || trace.trace.back() != '}') {
                  return later.Send(JsonError(HttpStatus::internal_server_error, "internal",
                                              "the kept trace of this session is unreadable"));
                }
                later.Send(Json(HttpStatus::ok, EndedSessionJson(trace.trace, clock.WallMs() - trace.stored_at_ms)));
              });
  });
}

}  // namespace routerd::gateway
