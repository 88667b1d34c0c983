#include "engine/daemon/provisioning_answers.h"

#include <spdlog/spdlog.h>

#include "engine/base/log_escape.h"
#include "engine/gateway/api_common.h"

namespace routerd::daemon::provisioning {

using http::HttpResponse;
using http::HttpStatus;

HttpResponse InvalidDefinition(const std::vector<std::string>& errors) {
  std::string body = "{\"error\":\"bad_request\",";
  http::AppendJsonStringField(body, "detail", errors.empty() ? "the definition is not valid" : errors.front());
  body += ",\"errors\":[";
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (i) body += ',';
    http::AppendJsonString(body, errors[i]);
  }
  body += "]}";
  return gateway::Json(HttpStatus::bad_request, std::move(body));
}

HttpResponse Conflict(std::string_view detail) { return http::JsonError(HttpStatus::conflict, "conflict", detail); }

storage::StoredDefinition StoredChange(storage::DefinitionKind kind, const gateway::ProvisioningApi::Change& change,
                                       const std::string& id) {
  storage::StoredDefinition stored{kind, change.tenant_id, id, std::nullopt, 0, change.by};
  if (change.kind != gateway::ProvisioningApi::Change::Kind::kRemove) stored.definition = change.definition;
  return stored;
}

std::optional<HttpResponse> ExistenceError(gateway::ProvisioningApi::Change::Kind kind, bool exists,
                                           std::string_view noun, std::string_view id, std::string_view route) {
  using Kind = gateway::ProvisioningApi::Change::Kind;
  const std::string named = std::string(noun) + " '" + std::string(id) + "'";
  if (kind == Kind::kCreate && exists) {
    return Conflict(named + " exists; PUT /api/v1/" + std::string(route) + "/" + std::string(id) + " changes it");
  }
  if (kind != Kind::kCreate && !exists) {
    return http::JsonError(HttpStatus::not_found, "not_found", "no " + named + " in this tenant");
  }
  return std::nullopt;
}

HttpResponse Removed(std::string_view id) {
  std::string body = "{";
  http::AppendJsonStringField(body, "removed", id);
  body += '}';
  return gateway::Json(HttpStatus::ok, std::move(body));
}

HttpResponse Provisioned(bool created, std::optional<std::string> json) {
  return gateway::Json(created ? HttpStatus::created : HttpStatus::ok, json ? std::move(*json) : std::string("{}"));
}

std::string SomeOf(const std::vector<std::string>& ids) {
  constexpr std::size_t kNamed = 3;
  std::string out;
  for (std::size_t i = 0; i < ids.size() && i < kNamed; ++i) out += (i ? ", " : "") + ids[i];
  if (ids.size() > kNamed) out += " and " + std::to_string(ids.size() - kNamed) + " more";
  return out;
}

void LogChange(std::string_view noun, const gateway::ProvisioningApi::Change& change, std::string_view id) {
  static constexpr std::string_view kVerbs[] = {"created", "changed", "removed"};
  spdlog::info("{} {}/{} {} through the API by '{}'", noun, change.tenant_id, EscapeForLog(id),
               kVerbs[static_cast<int>(change.kind)], EscapeForLog(change.by));
}

}  // namespace routerd::daemon::provisioning
