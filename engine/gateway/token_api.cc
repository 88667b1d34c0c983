#include "engine/gateway/token_api.h"

#include <spdlog/spdlog.h>

#include "engine/base/log_escape.h"
#include "engine/config/token_rules.h"
#include "engine/gateway/api_common.h"
#include "routerd/crypto.h"

namespace routerd::gateway {
namespace {

using http::HttpResponse;
using http::HttpStatus;
using http::JsonError;
using Role = config::TokenConfig::Role;
using Verb = boost::beast::http::verb;

// What a token value looks like: recognisable in a leaked log or file, and
// 256 random bits.
constexpr std::string_view kTokenPrefix = "rdt_";
constexpr std::size_t kTokenRandomBytes = 32;

void AppendTokenFields(std::string& out, const TokenInfo& t) {
  http::AppendJsonStringField(out, "name", t.name);
  out += ',';
  http::AppendJsonStringField(out, "role", config::TokenRoleName(t.role));
  if (t.role == Role::kAgent) {
    out += ',';
    http::AppendJsonStringField(out, "employee_id", t.employee_id);
  }
  out += ',';
  http::AppendJsonStringField(out, "source", t.from_api ? "api" : "file");
  out += ',';
  if (t.from_api) {
    http::AppendJsonIntField(out, "created_at", t.created_at_ms);
    out += ',';
    http::AppendJsonStringField(out, "created_by", t.created_by);
  } else {
    http::AppendJsonIntField(out, "line", t.line);
  }
}

HttpResponse BadRequest(std::string_view detail) { return JsonError(HttpStatus::bad_request, "bad_request", detail); }

}  // namespace

std::optional<HttpResponse> TokenApi::Handle(http::HttpRequest& request, std::string_view rest, const Principal& who,
                                             http::RequestContext& ctx) {
  if (!who.admin()) return Forbidden("tenant_admin only");
  const Verb verb = request.method();
  if (rest.empty()) {
    if (verb == Verb::get) return List(who);
    if (verb == Verb::post) return Create(request, who, ctx);
    return MethodNotAllowed("GET, POST");
  }
  auto [name, tail] = Head(rest);
  if (!tail.empty()) return JsonError(HttpStatus::not_found, "not_found", "no such endpoint");
  if (verb != Verb::delete_) return MethodNotAllowed("DELETE");
  return Revoke(name, who, ctx);
}

std::optional<HttpResponse> TokenApi::List(const Principal& who) {
  std::string out = "{\"tokens\":[";
  bool first = true;
  for (const TokenInfo& t : auth_.Tokens(who.tenant->id)) {
    if (!first) out += ',';
    first = false;
    out += '{';
    AppendTokenFields(out, t);
    out += '}';
  }
  out += "]}";
  return Json(HttpStatus::ok, std::move(out));
}

std::optional<HttpResponse> TokenApi::Create(const http::HttpRequest& request, const Principal& who,
                                             http::RequestContext& ctx) {
  Body b = ParseBody(request, {"name", "role", "employee_id"});
  if (b.error) return std::move(*b.error);
  std::string_view name, role_name, employee;
  if (b.root["name"].get_string().get(name) != simdjson::SUCCESS) return BadRequest("name is required (a string)");
  if (auto bad = config::CheckAddressableTokenName(name)) return BadRequest(bad->message);
  std::optional<Role> parsed;
  if (b.root["role"].get_string().get(role_name) == simdjson::SUCCESS) parsed = config::ParseTokenRole(role_name);
  if (!parsed) return BadRequest("role must be \"agent\" or \"tenant_admin\"");
  const Role role = *parsed;
  std::optional<std::string> employee_id;
  auto employee_field = b.root["employee_id"];
  if (employee_field.error() != simdjson::NO_SUCH_FIELD) {
    if (employee_field.get_string().get(employee) != simdjson::SUCCESS) return BadRequest("employee_id must be a string");
    employee_id = std::string(employee);
  }
  // Against the agents in effect: a reload may have added or removed some.
  const std::shared_ptr<const config::TenantConfig> in_effect =
      gateway_.shards().tenant_configs().Get(who.tenant->id);
  if (auto bad = config::CheckTokenSubject(*in_effect, role, employee_id)) return BadRequest(bad->message);
  for (const TokenInfo& t : auth_.Tokens(who.tenant->id)) {
    if (t.name != name) continue;
    return JsonError(HttpStatus::conflict, "conflict",
                     t.from_api ? "an API token named '" + t.name + "' exists; revoke it first or choose another name"
                                : "the configuration file has a token named '" + t.name + "' (line " +
                                      std::to_string(t.line) + "); choose another name");
  }
  const std::optional<std::string> random = RandomBytes(kTokenRandomBytes);
  if (!random) return FromCode(StatusCode::kInternal, "no random bytes for a token");
  std::string value = std::string(kTokenPrefix) + HexLower(*random);

  storage::StoredToken token;
  token.tenant_id = who.tenant->id;
  token.name = std::string(name);
  token.role = role;
  token.employee_id = employee_id.value_or("");
  token.sha256 = Sha256(value);
  token.created_by = who.name;
  http::DeferredResponse later = ctx.Defer();
  const config::TenantConfig* tenant = who.tenant;
  Status queued = store_.CreateTokenAsync(
      std::move(token), [this, later, tenant, value = std::move(value)](StatusOr<storage::StoredToken> stored) {
        if (!stored.ok()) return later.Send(FromCode(stored.status().code(), stored.status().message()));
        TokenInfo info{stored->name, stored->role, stored->employee_id, true, 0, stored->created_at_ms,
                       stored->created_by};
        auth_.Add(*tenant, stored->sha256, info);
        spdlog::info("token '{}' ({}) of tenant {} created by '{}'", EscapeForLog(info.name), config::TokenRoleName(info.role),
                     tenant->id, EscapeForLog(info.created_by));
        std::string out = "{";
        AppendTokenFields(out, info);
        out += ',';
        http::AppendJsonStringField(out, "token", value);
        out += '}';
        HttpResponse r = Json(HttpStatus::created, std::move(out));
        r.set(boost::beast::http::field::cache_control, "no-store");
        later.Send(std::move(r));
      });
  if (!queued.ok()) later.Send(FromCode(queued.code(), queued.message()));
  return std::nullopt;
}

std::optional<HttpResponse> TokenApi::Revoke(std::string_view name, const Principal& who, http::RequestContext& ctx) {
  bool found = false;
  for (const TokenInfo& t : auth_.Tokens(who.tenant->id)) {
    if (t.name != name) continue;
    if (!t.from_api) {
      return JsonError(HttpStatus::conflict, "conflict",
                       "token '" + t.name + "' is defined in the configuration file (line " + std::to_string(t.line) +
                           "); remove it there");
    }
    found = true;
  }
  if (!found) return JsonError(HttpStatus::not_found, "not_found", "no API token of this tenant has that name");
  http::DeferredResponse later = ctx.Defer();
  const std::string tenant_id = who.tenant->id;
  Status queued = store_.RevokeTokenAsync(
      tenant_id, std::string(name), who.name,
      [this, later, tenant_id, name = std::string(name), by = who.name](const Status& s) {
        if (!s.ok()) return later.Send(FromCode(s.code(), s.message()));
        // Refused from here on; then what it opened is closed.
        std::size_t closed = 0;
        if (std::optional<Principal> was = auth_.Revoke(tenant_id, name)) {
          closed = gateway_.CloseConnectionsOfToken(tenant_id, was->token_serial);
          if (close_wallboards_) close_wallboards_(tenant_id, was->token_serial);
        }
        spdlog::info("token '{}' of tenant {} revoked by '{}' ({} agent connections closed)", EscapeForLog(name),
                     tenant_id, EscapeForLog(by), closed);
        std::string out = "{\"ok\":true,";
        http::AppendJsonIntField(out, "closed_connections", static_cast<std::int64_t>(closed));
        out += '}';
        later.Send(Json(HttpStatus::ok, std::move(out)));
      });
  if (!queued.ok()) later.Send(FromCode(queued.code(), queued.message()));
  return std::nullopt;
}

}  // namespace routerd::gateway
