#include "engine/gateway/api_handler.h"

#include "engine/base/guarded_call.h"

#include <simdjson.h>

#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include "engine/base/log_escape.h"
#include "engine/gateway/agent_ws_session.h"
#include "engine/gateway/api_common.h"
#include "engine/gateway/gateway_json.h"
#include "engine/gateway/state_change.h"
#include "engine/gateway/tenant_config_json.h"

namespace routerd::gateway {
namespace {

using http::HttpRequest;
using http::HttpResponse;
using http::HttpStatus;
using http::JsonError;
using Verb = boost::beast::http::verb;

// PUT sets the cap from {"max_concurrent_sessions": n}, DELETE clears it;
// anything else, or a bad body, is the response to send.
std::optional<HttpResponse> ReadCapChange(const HttpRequest& request, routing::AgentCommand& cmd);

// {"max_concurrent_sessions": n}, n in 1..60.
std::variant<std::uint32_t, HttpResponse> ParseCap(const HttpRequest& request) {
  Body b = ParseBody(request, {"max_concurrent_sessions"});
  if (b.error) return std::move(*b.error);
  std::int64_t cap = 0;
  auto field = b.root["max_concurrent_sessions"];
  if (field.error() == simdjson::NO_SUCH_FIELD) {
    return JsonError(HttpStatus::bad_request, "bad_request", "max_concurrent_sessions is required");
  }
  if (field.get_int64().get(cap) != simdjson::SUCCESS) {
    return JsonError(HttpStatus::bad_request, "bad_request", "max_concurrent_sessions must be an integer");
  }
  if (Status bad = CapChanges::CheckCapValue(cap); !bad.ok()) {
    return JsonError(HttpStatus::bad_request, "bad_request", bad.message());
  }
  return static_cast<std::uint32_t>(cap);
}

std::optional<HttpResponse> ReadCapChange(const HttpRequest& request, routing::AgentCommand& cmd) {
  if (request.method() == Verb::delete_) return std::nullopt;
  if (request.method() != Verb::put) return MethodNotAllowed("PUT, DELETE");
  auto cap = ParseCap(request);
  if (auto* err = std::get_if<HttpResponse>(&cap)) return std::move(*err);
  cmd.cap = std::get<std::uint32_t>(cap);
  return std::nullopt;
}

}  // namespace

// What the audit line says about the request: who, which tenant, the method,
// target and start of the body, every part escaped (request bytes must never
// end the line or start a forged one).
static std::string AuditSubject(const Principal& who, const HttpRequest& request) {
  std::string subject = fmt::format("admin write by '{}' (tenant {}): {} {}", EscapeForLog(who.name),
                                    EscapeForLog(who.tenant->id),
                                    EscapeForLog(std::string_view(request.method_string())),
                                    EscapeForLog(std::string_view(request.target())));
  if (!request.body().empty()) subject += " " + EscapeForLog(request.body());
  return subject;
}

void ApiHandler::Command(const Principal& who, routing::AgentCommand command, http::RequestContext& ctx,
                         const HttpRequest* audited, std::optional<storage::CapSetting> stored) {
  auto ref = shards_.directory().FindTenant(who.tenant->id);
  http::DeferredResponse later = ctx.Defer();
  // Logged once the router has decided, with its decision: a write it
  // refused (no such session, a queue full) must not read as done.
  std::string audit = audited != nullptr ? AuditSubject(who, *audited) : std::string();
  auto answer = [later, audit = std::move(audit)](StatusCode code, std::string_view error) {
    HttpResponse response = FromCode(code, error);
    if (!audit.empty()) {
      if (code == StatusCode::kOk) {
        spdlog::info("{}: done", audit);
      } else {
        spdlog::info("{}: refused {} ({})", audit, response.result_int(), EscapeForLog(error));
      }
    }
    later.Send(std::move(response));
  };
  if (stored) {
    caps_.Submit(*ref, command, std::move(*stored), std::move(answer));
  } else {
    broker_.Submit(*ref, command, std::move(answer));
  }
}

void ApiHandler::Query(const Principal& who, http::RequestContext& ctx,
                       std::function<HttpResponse(const routing::TenantRouter&, std::int64_t)> build) {
  QueryLater(who, ctx,
             [build = std::move(build)](const routing::TenantRouter& t, std::int64_t now,
                                        const http::DeferredResponse& later) { later.Send(build(t, now)); });
}

void ApiHandler::QueryLater(const Principal& who, http::RequestContext& ctx, LaterAnswer answer) {
  auto ref = shards_.directory().FindTenant(who.tenant->id);
  http::DeferredResponse later = ctx.Defer();
  const Clock& clock = clock_;
  shards_.shard(ref->shard).Post([later, ref = *ref, answer = std::move(answer), &clock](routing::Router& router) {
    static FailureLog failures("an API query");
    GuardedCall(
        failures, [&] { answer(router.tenant(ref.tenant), clock.NowNs(), later); },
        [&] { later.Send(JsonError(HttpStatus::internal_server_error, "internal", "the query could not be answered")); });
  });
}

http::BodyPermit ApiHandler::AdmitBody(const HttpRequest& head, std::string_view path,
                                       std::size_t default_limit) const {
  // A WebSocket upgrade authenticates on its own terms (Upgrade), and a
  // request without a body has nothing to buffer.
  const bool has_body = head.chunked() || (head.has_content_length() && head[boost::beast::http::field::content_length] != "0");
  if (boost::beast::websocket::is_upgrade(head) || !has_body) return http::BodyPermit::Allow(default_limit);
  const std::optional<Principal> who = auth_.Authenticate(Authenticator::TokenOf(head, false));
  if (!who) return http::BodyPermit::Refuse(Unauthorized());
  // Sent on before the body is read: the client sends it to the owner.
  if (auto elsewhere = Elsewhere(head, *who)) return http::BodyPermit::Refuse(std::move(*elsewhere));
  auto [first, rest] = Head(path);
  if (first == "messages" && messages_body_) return messages_body_(head, rest, *who, default_limit);
  return http::BodyPermit::Allow(default_limit);
}

std::optional<HttpResponse> ApiHandler::Handle(HttpRequest& request, std::string_view path,
                                               http::RequestContext& ctx) {
  const bool upgrade = boost::beast::websocket::is_upgrade(request);
  auto [first, rest] = Head(path);
  if (upgrade) {
    auto [employee, tail] = Head(rest);
    if (first == "agents" && tail == "/ws") return Upgrade(request, employee, ctx);
    return JsonError(HttpStatus::not_found, "not_found", "no WebSocket endpoint here");
  }
  const std::optional<Principal> who = auth_.Authenticate(Authenticator::TokenOf(request, false));
  if (!who) return Unauthorized();
  if (auto elsewhere = Elsewhere(request, *who)) return elsewhere;
  const Verb verb = request.method();

  if (first == "messages" && messages_) return messages_(request, rest, *who, ctx);
  if (first == "agents") {
    if (rest.empty()) {
      if (!who->admin()) return Forbidden("tenant_admin only");
      if (verb == Verb::post && provisioning_ != nullptr) {
        return provisioning_->Create(request, *who, ProvisioningApi::Object::kAgent, ctx);
      }
      if (verb != Verb::get) return MethodNotAllowed(provisioning_ != nullptr ? "GET, POST" : "GET");
      Query(*who, ctx, [](const routing::TenantRouter& t, std::int64_t now) {
        std::string out = "{\"agents\":[";
        bool first = true;
        for (std::uint32_t a = 0; a < t.agent_count(); ++a) {
          if (t.AgentRetired(a)) continue;  // removed by a reload
          if (!first) out += ",";
          first = false;
          out += AgentJson(t, a, "", now);
        }
        out += "]}";
        return Json(HttpStatus::ok, std::move(out));
      });
      return std::nullopt;
    }
    auto [employee, tail] = Head(rest);
    return AgentRoute(request, *who, employee, tail, ctx);
  }
  if (first == "config") {
    // The tenant's configuration in effect; the run-time caps come from the router.
    if (!rest.empty()) return JsonError(HttpStatus::not_found, "not_found", "no such configuration resource");
    if (!who->admin()) return Forbidden("tenant_admin only");
    if (verb != Verb::get) return MethodNotAllowed("GET");
    // In effect: a reload may have changed its agents.
    std::shared_ptr<const config::TenantConfig> tenant = shards_.tenant_configs().Get(who->tenant->id);
    Query(*who, ctx, [tenant = std::move(tenant)](const routing::TenantRouter& t, std::int64_t) {
      return Json(HttpStatus::ok, TenantConfigJson(*tenant, t));
    });
    return std::nullopt;
  }
  if (first == "sessions") {
    auto [id, tail] = Head(rest);
    return SessionRoute(request, *who, id, tail, ctx);
  }
  if (first == "queues") return QueueRoute(request, *who, rest, ctx);
  if (first == "skill_queues") return DefinitionRoute(request, *who, ProvisioningApi::Object::kSkillQueue, rest, ctx);
  if (first == "channels") return DefinitionRoute(request, *who, ProvisioningApi::Object::kChannel, rest, ctx);
  if (first == "ous" && Head(rest).second.empty()) {
    // The OUs themselves (their caps alone: /ous/{id}/cap, below).
    if (!who->admin()) return Forbidden("tenant_admin only");
    const std::string id(Head(rest).first);
    if (verb == Verb::get) {
      // In effect: a reload or a provisioning change may have changed them.
      std::shared_ptr<const config::TenantConfig> tenant = shards_.tenant_configs().Get(who->tenant->id);
      Query(*who, ctx, [tenant = std::move(tenant), id, all = rest.empty()](const routing::TenantRouter& t,
                                                                             std::int64_t) {
        if (all) return Json(HttpStatus::ok, OusJson(*tenant, t));
        std::optional<std::string> ou = OuJson(*tenant, t, id);
        if (!ou) return JsonError(HttpStatus::not_found, "not_found", "no OU '" + id + "' in this tenant");
        return Json(HttpStatus::ok, std::move(*ou));
      });
      return std::nullopt;
    }
    constexpr auto kOu = ProvisioningApi::Object::kOu;
    if (provisioning_ != nullptr && rest.empty() && verb == Verb::post) {
      return provisioning_->Create(request, *who, kOu, ctx);
    }
    if (provisioning_ != nullptr && !rest.empty() && verb == Verb::put) {
      return provisioning_->Replace(request, *who, kOu, id, ctx);
    }
    if (provisioning_ != nullptr && !rest.empty() && verb == Verb::delete_) {
      return provisioning_->Remove(*who, kOu, id, ctx);
    }
    if (provisioning_ == nullptr) return MethodNotAllowed("GET");
    return MethodNotAllowed(rest.empty() ? "GET, POST" : "GET, PUT, DELETE");
  }
  if ((first == "ous" || first == "tenant") && !rest.empty()) {
    if (!who->admin()) return Forbidden("tenant_admin only");
    routing::AgentCommand cmd;
    if (first == "ous") {
      auto [ou, tail] = Head(rest);
      if (tail != "/cap") return JsonError(HttpStatus::not_found, "not_found", "no such endpoint");
      auto ref = shards_.directory().FindTenant(who->tenant->id);
      auto index = shards_.directory().FindOu(*ref, ou);
      if (!index) return JsonError(HttpStatus::not_found, "not_found", "no such OU");
      cmd.type = routing::AgentCommandType::kSetOuCap;
      cmd.target = *index;
    } else {
      if (rest != "/cap") return JsonError(HttpStatus::not_found, "not_found", "no such endpoint");
      cmd.type = routing::AgentCommandType::kSetTenantCap;
    }
    if (auto refused = ReadCapChange(request, cmd)) return refused;
    Command(*who, cmd, ctx, &request,
            CapChanges::Stored(*who, first == "ous" ? storage::CapScope::kOu : storage::CapScope::kTenant,
                      first == "ous" ? Head(rest).first : std::string_view(), cmd));
    return std::nullopt;
  }
  if (first == "tokens") return tokens_.Handle(request, rest, *who, ctx);
  return JsonError(HttpStatus::not_found, "not_found", "no such endpoint");
}

std::optional<HttpResponse> ApiHandler::AgentRoute(HttpRequest& request, const Principal& who,
                                                   std::string_view employee, std::string_view rest,
                                                   http::RequestContext& ctx) {
  const Verb verb = request.method();
  // Provisioning decides itself whether the agent exists, in turn with the
  // other changes of the configuration.
  if (rest.empty() && provisioning_ != nullptr) {
    if (verb == Verb::put) return provisioning_->Replace(request, who, ProvisioningApi::Object::kAgent, employee, ctx);
    if (verb == Verb::delete_) return provisioning_->Remove(who, ProvisioningApi::Object::kAgent, employee, ctx);
  }
  auto ref = shards_.directory().FindTenant(who.tenant->id);
  auto agent = shards_.directory().FindAgent(*ref, employee);
  if (!agent) return JsonError(HttpStatus::not_found, "not_found", "no such agent");
  if (!who.MayActFor(employee)) return Forbidden("this token acts for another agent");
  routing::AgentCommand cmd;
  cmd.target = *agent;

  if (rest == "/state") {
    if (verb == Verb::get) {
      const std::uint32_t index = *agent;
      Query(who, ctx, [index](const routing::TenantRouter& t, std::int64_t now) {
        return Json(HttpStatus::ok, AgentJson(t, index, "", now));
      });
      return std::nullopt;
    }
    if (verb != Verb::put) return MethodNotAllowed("GET, PUT");
    Body b = ParseBody(request, {"state", "reason"});
    if (b.error) return std::move(*b.error);
    std::string_view state;
    if (b.root["state"].get_string().get(state) != simdjson::SUCCESS) {
      return JsonError(HttpStatus::bad_request, "bad_request",
                       "state must be one of \"signed_in\", \"ready\", \"not_ready\", \"signed_out\"");
    }
    std::optional<std::string_view> reason;
    simdjson::dom::element reason_value;
    if (b.root["reason"].get(reason_value) == simdjson::SUCCESS) {
      std::string_view text;
      if (reason_value.get_string().get(text) != simdjson::SUCCESS) {
        return JsonError(HttpStatus::bad_request, "bad_request", "reason must be a string");
      }
      reason = text;
    }
    const Status parsed = ParseStateChange(*who.tenant, StateVocabulary::kRest, state, reason, cmd);
    if (!parsed.ok()) return JsonError(HttpStatus::bad_request, "bad_request", parsed.message());
    Command(who, cmd, ctx);
    return std::nullopt;
  }
  if (rest == "/wrap-ups" || rest.starts_with("/wrap-ups/")) {
    // DELETE ends the agent's after-contact work: all of it, or one session's.
    if (verb != Verb::delete_) return MethodNotAllowed("DELETE");
    cmd.type = routing::AgentCommandType::kEndWrapUp;
    if (rest != "/wrap-ups") {
      const std::string_view id = rest.substr(std::string_view("/wrap-ups/").size());
      cmd.session_id = ParseSessionId(id).value_or(0);
      if (cmd.session_id == 0) return JsonError(HttpStatus::not_found, "not_found", "no such after-contact work");
    }
    Command(who, cmd, ctx);
    return std::nullopt;
  }
  if (rest == "/sessions") {
    if (verb != Verb::get) return MethodNotAllowed("GET");
    const std::uint32_t index = *agent;
    Query(who, ctx, [index](const routing::TenantRouter& t, std::int64_t now) {
      std::string out = "{\"sessions\":[";
      const auto view = t.Agent(index);
      for (std::size_t i = 0; i < view.session_slots.size(); ++i) {
        if (i) out += ",";
        out += SessionJson(t, t.SessionAtSlot(view.session_slots[i]), true, now);
      }
      out += "]}";
      return Json(HttpStatus::ok, std::move(out));
    });
    return std::nullopt;
  }
  if (rest == "/cap") {
    // The administrator's Employee configuration, or the agent's own
    // Personal Center: the same agent-level cap, the latest wins.
    cmd.type = routing::AgentCommandType::kSetAgentCap;
    if (auto refused = ReadCapChange(request, cmd)) return refused;
    if (!who.admin()) {
      const std::shared_ptr<const config::TenantConfig> tenant = shards_.tenant_configs().Get(who.tenant->id);
      const Status allowed = CapChanges::CheckPersonal(*tenant, tenant->agents[*agent], cmd.cap);
      if (!allowed.ok()) return FromCode(allowed.code(), allowed.message());
      cmd.personal = true;
    }
    Command(who, cmd, ctx, who.admin() ? &request : nullptr, CapChanges::Stored(who, storage::CapScope::kAgent, employee, cmd));
    return std::nullopt;
  }
  if (rest == "/sign-out") {
    if (!who.admin()) return Forbidden("tenant_admin only");
    if (verb != Verb::post) return MethodNotAllowed("POST");
    cmd.type = routing::AgentCommandType::kSignOut;
    Command(who, cmd, ctx, &request);
    return std::nullopt;
  }
  return JsonError(HttpStatus::not_found, "not_found", "no such endpoint");
}

std::optional<HttpResponse> ApiHandler::Upgrade(HttpRequest& request, std::string_view employee,
                                                http::RequestContext& ctx) {
  const std::optional<Principal> who = auth_.Authenticate(Authenticator::TokenOf(request, true));
  if (!who) return JsonError(HttpStatus::unauthorized, "unauthorized", "a valid token is required");
  AgentChannel* channel = gateway_.Channel(who->tenant->id, employee);
  if (!channel) return JsonError(HttpStatus::not_found, "not_found", "no such agent");
  if (!who->MayActFor(employee)) return Forbidden("this token acts for another agent");
  // A WebSocket client cannot follow a 307: it is upgraded and told where to
  // go by the close frame (4004), which every client library reports.
  if (owner_check_) {
    const TenantOwner owner = owner_check_(who->tenant->id);
    if (!owner.here) {
      auto session = std::make_shared<AgentWsSession>(ctx.TakeSocket(), gateway_, *channel, *who);
      session->Refer(std::move(request), OwnerMovedReason(owner));
      return std::nullopt;
    }
  }
  auto session = std::make_shared<AgentWsSession>(ctx.TakeSocket(), gateway_, *channel, *who, owner_check_);
  session->Accept(std::move(request));
  return std::nullopt;
}

std::optional<HttpResponse> ApiHandler::Elsewhere(const HttpRequest& request, const Principal& who) const {
  if (!owner_check_) return std::nullopt;
  const TenantOwner owner = owner_check_(who.tenant->id);
  if (owner.here) return std::nullopt;
  return NotOwnerResponse(who.tenant->id, owner, std::string_view(request.target()));
}

}  // namespace routerd::gateway
