#include "engine/gateway/operator_api.h"

#include <spdlog/spdlog.h>

#include <boost/beast/http/verb.hpp>

#include "engine/base/log_escape.h"
#include "engine/gateway/api_common.h"
#include "engine/gateway/auth.h"
#include "engine/gateway/json_parts.h"
#include "routerd/crypto.h"

namespace routerd::gateway {
namespace {

constexpr std::string_view kPrefix = "/operator/";

http::HttpResponse OperatorUnauthorized() {
  http::HttpResponse r = http::JsonError(http::HttpStatus::unauthorized, "unauthorized",
                                         "an operator token ([[operator_tokens]]) is required");
  r.set(boost::beast::http::field::www_authenticate, "Bearer");
  return r;
}

}  // namespace

OperatorApi::OperatorApi(const std::vector<config::OperatorTokenConfig>& tokens, Reloader reload)
    : reload_(std::move(reload)) {
  ReplaceTokens(tokens);
}

void OperatorApi::ReplaceTokens(const std::vector<config::OperatorTokenConfig>& tokens) {
  std::unordered_map<std::string, std::string> next;
  for (const config::OperatorTokenConfig& t : tokens) next.emplace(t.sha256, t.name);
  std::lock_guard lock(mu_);
  name_by_digest_.swap(next);
}

bool OperatorApi::Serves(std::string_view path) { return path.starts_with(kPrefix) || path == "/operator"; }

std::optional<std::string> OperatorApi::Authenticate(const http::HttpRequest& request) const {
  const std::string token = Authenticator::TokenOf(request, /*allow_query=*/false);
  if (token.empty()) return std::nullopt;
  // A digest lookup, as for tenant tokens: the token is never compared in plain.
  const std::string digest = Sha256(token);
  std::lock_guard lock(mu_);
  auto it = name_by_digest_.find(digest);
  if (it == name_by_digest_.end()) return std::nullopt;
  return it->second;
}

http::BodyPermit OperatorApi::AdmitBody(const http::HttpRequest& head, std::string_view) const {
  if (!Authenticate(head)) return http::BodyPermit::Refuse(OperatorUnauthorized());
  return http::BodyPermit::Allow(0);
}

std::optional<http::HttpResponse> OperatorApi::Handle(http::HttpRequest& request, std::string_view path,
                                                      http::RequestContext& ctx) {
  const std::optional<std::string> who = Authenticate(request);
  if (!who) return OperatorUnauthorized();
  if (path != "/operator/reload") {
    return http::JsonError(http::HttpStatus::not_found, "not_found", "no such operator route (known: reload)");
  }
  if (request.method() != boost::beast::http::verb::post) return MethodNotAllowed("POST");
  spdlog::info("operator '{}' asks for a reload of the configuration file", EscapeForLog(*who));
  http::DeferredResponse reply = ctx.Defer();
  reload_([reply, who = *who](ReloadReport report) {
    spdlog::info("operator '{}': reload {}", EscapeForLog(who),
                 report.failed                 ? "broke off"
                 : !report.unavailable.empty() ? "not done"
                 : report.errors.empty()       ? "done"
                                               : "refused");
    reply.Send(ReportResponse(report));
  });
  return std::nullopt;
}

http::HttpResponse OperatorApi::ReportResponse(const ReloadReport& report) {
  if (report.failed) {
    return http::JsonError(http::HttpStatus::internal_server_error, "internal",
                           "the reload broke off (see the log); what it had not applied is unchanged");
  }
  if (!report.unavailable.empty()) return FromCode(StatusCode::kUnavailable, report.unavailable);
  std::string body = "{";
  if (!report.errors.empty()) {
    http::AppendJsonStringField(body, "error", "invalid_configuration");
    body += ',';
    http::AppendJsonStringField(body, "detail",
                                "the configuration file has " + std::to_string(report.errors.size()) +
                                    " error(s); nothing changed");
    body += ',';
    AppendStringArray(body, "errors", report.errors);
    body += '}';
    return Json(http::HttpStatus::unprocessable_entity, std::move(body));
  }
  body += "\"reloaded\":true,";
  http::AppendJsonIntField(body, "tokens_added", static_cast<std::int64_t>(report.tokens_added));
  body += ',';
  http::AppendJsonIntField(body, "tokens_removed", static_cast<std::int64_t>(report.tokens_removed));
  body += ',';
  http::AppendJsonIntField(body, "connections_closed", static_cast<std::int64_t>(report.connections_closed));
  body += ',';
  http::AppendJsonIntField(body, "operator_tokens", static_cast<std::int64_t>(report.operator_tokens));
  body += ',';
  http::AppendJsonIntField(body, "tenants_applied", static_cast<std::int64_t>(report.tenants_applied));
  body += ',';
  http::AppendJsonIntField(body, "ous_changed", static_cast<std::int64_t>(report.ous_changed));
  body += ',';
  http::AppendJsonIntField(body, "queues_changed", static_cast<std::int64_t>(report.queues_changed));
  body += ',';
  http::AppendJsonIntField(body, "channels_changed", static_cast<std::int64_t>(report.channels_changed));
  body += ',';
  http::AppendJsonIntField(body, "agents_changed", static_cast<std::int64_t>(report.agents_changed));
  body += ',';
  AppendStringArray(body, "needs_restart", report.needs_restart);
  body += ',';
  http::AppendJsonIntField(body, "tenants_added", static_cast<std::int64_t>(report.tenants_added));
  body += ',';
  http::AppendJsonIntField(body, "tenants_removed", static_cast<std::int64_t>(report.tenants_removed));
  body += '}';
  return Json(http::HttpStatus::ok, std::move(body));
}

}  // namespace routerd::gateway
