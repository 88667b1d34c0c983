// /api/v1/sessions/{id}[/close|/transfer|/priority]: a session as the router
// holds it, and what an agent or the tenant admin may do to it.
#include <simdjson.h>

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
    const std::uint64_t sid = *session;
    Query(who, ctx, [sid](const routing::TenantRouter& t, std::int64_t now) {
      auto s = t.Session(sid);
      if (!s) {
        // Ended: its route trace, while it is kept.
        if (auto ended = t.EndedSession(sid)) return Json(HttpStatus::ok, EndedSessionJson(t, *ended, now));
        return JsonError(HttpStatus::not_found, "not_found", "no such session (open, or ended recently)");
      }
      return Json(HttpStatus::ok, SessionJson(t, *s, true, now));
    });
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

}  // namespace routerd::gateway
