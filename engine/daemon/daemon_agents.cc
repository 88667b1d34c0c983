// The provisioning API's changes to a tenant's agents (gateway/agent_api.h):
// checked by the configuration file's rules against the agents in effect,
// stored, then applied like a reload's agent changes. One at a time, in turn
// with reloads (reload_mu_), on the reload thread.
#include <future>

#include <spdlog/spdlog.h>

#include "engine/base/log_escape.h"
#include "engine/config/agent_changes.h"
#include "engine/config/agent_definition.h"
#include "engine/config/agents_loader.h"
#include "engine/daemon/daemon.h"
#include "engine/gateway/api_common.h"

namespace routerd::daemon {
namespace {

using Change = gateway::AgentApi::Change;
using http::HttpResponse;
using http::HttpStatus;

HttpResponse InvalidDefinition(const std::vector<std::string>& errors) {
  std::string body = "{\"error\":\"bad_request\",";
  http::AppendJsonStringField(body, "detail", errors.empty() ? "the agent is not valid" : errors.front());
  body += ",\"errors\":[";
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (i) body += ',';
    http::AppendJsonString(body, errors[i]);
  }
  body += "]}";
  return gateway::Json(HttpStatus::bad_request, std::move(body));
}

HttpResponse Conflict(std::string_view detail) { return http::JsonError(HttpStatus::conflict, "conflict", detail); }

}  // namespace

HttpResponse Daemon::Provision(const Change& change) {
  std::lock_guard lock(reload_mu_);
  if (config_.cluster.enabled) {
    // Other instances would not see the change until their next reload.
    return http::JsonError(HttpStatus::not_implemented, "not_implemented",
                           "in cluster mode agents change through the configuration file: edit it on every "
                           "instance and reload each (SIGHUP or POST /api/v1/operator/reload)");
  }
  const std::shared_ptr<const config::TenantConfig> live = shards_->tenant_configs().Get(change.tenant_id);
  const std::optional<shard::TenantRef> ref = shards_->directory().FindTenant(change.tenant_id);
  if (!live || !ref) return http::JsonError(HttpStatus::not_found, "not_found", "no such tenant");

  std::optional<config::AgentConfig> agent;
  std::string employee_id = change.employee_id;
  if (change.kind != Change::Kind::kRemove) {
    std::vector<std::string> errors;
    agent = config::ReadAgentDefinition(change.definition, *live, errors);
    if (!agent) return InvalidDefinition(errors);
    employee_id = agent->employee_id;
  }
  // The agents the tenant has, with this change.
  config::TenantConfig desired = *live;
  std::erase_if(desired.agents, [](const config::AgentConfig& a) { return a.retired; });
  const auto at = std::find_if(desired.agents.begin(), desired.agents.end(),
                               [&](const config::AgentConfig& a) { return a.employee_id == employee_id; });
  if (change.kind == Change::Kind::kCreate && at != desired.agents.end()) {
    return Conflict("agent '" + employee_id + "' exists; PUT /api/v1/agents/" + employee_id + " changes it");
  }
  if (change.kind != Change::Kind::kCreate && at == desired.agents.end()) {
    return http::JsonError(HttpStatus::not_found, "not_found", "no agent '" + employee_id + "' in this tenant");
  }
  storage::StoredAgent stored{change.tenant_id, employee_id, std::nullopt, 0, change.by};
  if (agent) {
    if (std::optional<config::AgentIdentities::Conflict> c = config::IdentityConflict(desired.agents, *agent)) {
      return Conflict(std::string(c->key) + " '" +
                      (c->key == "employee_id" ? agent->employee_id : agent->business_account) +
                      "' is agent '" + c->holder + "''s");
    }
    if (at != desired.agents.end()) {
      *at = *agent;
    } else {
      desired.agents.push_back(*agent);
    }
    stored.definition = change.definition;
  } else {
    desired.agents.erase(at);
  }

  // Durable first: nothing is in effect that a restart would undo.
  std::promise<Status> saved;
  const Status queued =
      storage_->administration().SaveAgentAsync(std::move(stored), [&saved](const Status& s) { saved.set_value(s); });
  if (!queued.ok()) return gateway::FromCode(queued.code(), queued.message());
  const Status written = saved.get_future().get();
  if (!written.ok()) return gateway::FromCode(written.code(), written.message());

  const config::AgentChanges changes = config::MergeAgentChanges(*live, desired, /*structure_changed=*/false);
  const StatusOr<std::size_t> closed = ApplyAgentChanges(*ref, changes, {});
  if (!closed.ok()) {
    return gateway::FromCode(StatusCode::kUnavailable,
                             "stored, but not applied yet (" + closed.status().message() +
                                 "): it applies at the next reload or restart");
  }
  static constexpr std::string_view kVerbs[] = {"created", "changed", "removed"};
  spdlog::info("agent {}/{} {} through the API by '{}'", change.tenant_id, EscapeForLog(employee_id),
               kVerbs[static_cast<int>(change.kind)], EscapeForLog(change.by));
  if (change.kind == Change::Kind::kRemove) {
    std::string body = "{";
    http::AppendJsonStringField(body, "removed", employee_id);
    body += ',';
    http::AppendJsonIntField(body, "connections_closed", static_cast<std::int64_t>(*closed));
    body += '}';
    return gateway::Json(HttpStatus::ok, std::move(body));
  }
  // As in effect now (a cap set at run time kept).
  const std::shared_ptr<const config::TenantConfig> now = shards_->tenant_configs().Get(change.tenant_id);
  const auto in_effect = std::find_if(now->agents.begin(), now->agents.end(), [&](const config::AgentConfig& a) {
    return a.employee_id == employee_id && !a.retired;
  });
  const config::AgentConfig& shown = in_effect != now->agents.end() ? *in_effect : *agent;
  return gateway::Json(change.kind == Change::Kind::kCreate ? HttpStatus::created : HttpStatus::ok,
                       "{\"agent\":" + gateway::ProvisionedAgentJson(shown) + "}");
}

}  // namespace routerd::daemon
