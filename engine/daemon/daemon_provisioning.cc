// The provisioning API's changes to a tenant's agents and OUs
// (gateway/provisioning_api.h; skill queues: daemon_provision_queues.cc): checked by the configuration file's rules
// against the tenant in effect, stored, then applied like a reload's changes.
// One at a time, in turn with reloads (reload_mu_), on the reload thread. In
// cluster mode on the tenant's owner; the other instances apply what is
// stored within seconds, and before they take the tenant over
// (daemon_administration_sync.cc).
#include <future>

#include <spdlog/spdlog.h>

#include "engine/base/log_escape.h"
#include "engine/config/agent_changes.h"
#include "engine/config/agent_definition.h"
#include "engine/config/agents_loader.h"
#include "engine/config/kind_caps_loader.h"
#include "engine/config/tenant_changes.h"
#include "engine/daemon/daemon.h"
#include "engine/daemon/provisioning_answers.h"
#include "engine/gateway/api_common.h"

namespace routerd::daemon {

using Change = gateway::ProvisioningApi::Change;
using http::HttpResponse;
using http::HttpStatus;
using provisioning::Conflict;
using provisioning::InvalidDefinition;
using provisioning::LogChange;
using provisioning::SomeOf;

StatusOr<std::size_t> Daemon::StoreAndApply(storage::StoredDefinition definition, const shard::TenantRef& ref,
                                            const config::AgentChanges& changes) {
  // Durable first: nothing is in effect that a restart would undo.
  std::promise<Status> saved;
  const Status queued = storage_->administration().SaveDefinitionAsync(
      std::move(definition), [&saved](const Status& s) { saved.set_value(s); });
  if (!queued.ok()) return queued;
  if (const Status written = saved.get_future().get(); !written.ok()) return written;
  StatusOr<std::size_t> closed = ApplyMemberChanges(ref, changes, {});
  if (!closed.ok()) {
    return Status::Unavailable("stored, but not applied yet (" + closed.status().message() +
                               "): it applies at the next reload or restart");
  }
  return closed;
}

HttpResponse Daemon::Provision(const Change& change) {
  std::lock_guard lock(reload_mu_);
  if (ownership_ && !ownership_->RoutedHere(change.tenant_id)) {
    // The API sent it here as the tenant's owner; it moved since. Its checks
    // (sessions waiting, agents serving) hold only where the tenant is routed.
    return http::JsonError(HttpStatus::service_unavailable, "not_owner",
                           "the tenant moved to another instance while the change was on its way: nothing "
                           "changed; send it again");
  }
  const std::shared_ptr<const config::TenantConfig> live = shards_->tenant_configs().Get(change.tenant_id);
  const std::optional<shard::TenantRef> ref = shards_->directory().FindTenant(change.tenant_id);
  if (!live || !ref) return http::JsonError(HttpStatus::not_found, "not_found", "no such tenant");

  if (change.object == gateway::ProvisioningApi::Object::kOu) return ProvisionOu(change, *live, *ref);
  if (change.object == gateway::ProvisioningApi::Object::kSkillQueue) return ProvisionQueue(change, *live, *ref);
  if (change.object == gateway::ProvisioningApi::Object::kChannel) return ProvisionChannel(change, *live, *ref);
  return ProvisionAgent(change, *live, *ref);
}

HttpResponse Daemon::ProvisionAgent(const Change& change, const config::TenantConfig& live,
                                    const shard::TenantRef& ref) {
  std::optional<config::AgentConfig> agent;
  std::string employee_id = change.object_id;
  if (change.kind != Change::Kind::kRemove) {
    std::vector<std::string> errors;
    agent = config::ReadAgentDefinition(change.definition, live, errors);
    if (!agent) return InvalidDefinition(errors);
    employee_id = agent->employee_id;
  }
  // The agents the tenant has, with this change.
  config::TenantConfig desired = config::WithoutRetired(live);
  const auto at = std::find_if(desired.agents.begin(), desired.agents.end(),
                               [&](const config::AgentConfig& a) { return a.employee_id == employee_id; });
  if (auto error = provisioning::ExistenceError(change.kind, at != desired.agents.end(), "agent", employee_id,
                                                "agents")) {
    return std::move(*error);
  }
  if (agent) {
    if (std::optional<config::AgentIdentities::Conflict> c = config::IdentityConflict(desired.agents, *agent)) {
      return Conflict(std::string(c->key) + " '" +
                      (c->key == "employee_id" ? agent->employee_id : agent->business_account) +
                      "' is agent '" + c->holder + "''s");
    }
    provisioning::Put(desired.agents, at, *agent);
  } else {
    desired.agents.erase(at);
  }

  const config::AgentChanges changes =
      config::MergeTenantChanges(live, desired, /*structure_changed=*/false).agents;
  const StatusOr<std::size_t> closed =
      StoreAndApply(provisioning::StoredChange(storage::DefinitionKind::kAgent, change, employee_id), ref, changes);
  if (!closed.ok()) return gateway::FromCode(closed.status().code(), closed.status().message());
  LogChange("agent", change, employee_id);
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
  return provisioning::Provisioned(change.kind == Change::Kind::kCreate,
                                   "{\"agent\":" + gateway::ProvisionedAgentJson(shown) + "}");
}

HttpResponse Daemon::ProvisionOu(const Change& change, const config::TenantConfig& live, const shard::TenantRef& ref) {
  std::optional<config::OuConfig> ou;
  std::string id = change.object_id;
  if (change.kind != Change::Kind::kRemove) {
    std::vector<std::string> errors;
    ou = config::ReadOuDefinition(change.definition, errors);
    if (!ou) return InvalidDefinition(errors);
    id = ou->id;
  }
  // The OUs and agents the tenant has, with this change.
  config::TenantConfig desired = config::WithoutRetired(live);
  const auto at =
      std::find_if(desired.ous.begin(), desired.ous.end(), [&](const config::OuConfig& o) { return o.id == id; });
  if (auto error = provisioning::ExistenceError(change.kind, at != desired.ous.end(), "OU", id, "ous")) {
    return std::move(*error);
  }
  if (ou) {
    provisioning::Put(desired.ous, at, *ou);
  } else {
    // An agent always has an OU, and an OU its parent: both move first.
    std::vector<std::string> agents, children;
    for (const config::AgentConfig& a : desired.agents) {
      if (a.ou == id) agents.push_back(a.employee_id);
    }
    for (const config::OuConfig& o : desired.ous) {
      if (o.parent == id) children.push_back(o.id);
    }
    if (!agents.empty()) {
      return Conflict("OU '" + id + "' has " + std::to_string(agents.size()) + " agent(s) (" + SomeOf(agents) +
                      "): move them to another OU first (PUT /api/v1/agents/{id})");
    }
    if (!children.empty()) {
      return Conflict("OU '" + id + "' has OUs under it (" + SomeOf(children) +
                      "): move or remove them first (PUT or DELETE /api/v1/ous/{id})");
    }
    desired.ous.erase(at);
  }
  std::vector<std::string> errors = config::OuTreeErrors(desired);
  config::internal::ErrorList kinds("");
  config::CheckKindCaps(desired, adapters_->Kinds(), "tenant", kinds);
  for (std::string& e : kinds.TakeSorted()) errors.push_back(std::move(e));
  if (!errors.empty()) return InvalidDefinition(errors);

  const config::AgentChanges changes =
      config::MergeTenantChanges(live, desired, /*structure_changed=*/false).agents;
  const StatusOr<std::size_t> applied =
      StoreAndApply(provisioning::StoredChange(storage::DefinitionKind::kOu, change, id), ref, changes);
  if (!applied.ok()) return gateway::FromCode(applied.status().code(), applied.status().message());
  LogChange("OU", change, id);
  if (!ou) return provisioning::Removed(id);
  // As in effect now (a cap set at run time kept).
  const config::OuConfig* shown = &*ou;
  for (const config::OuConfig& o : changes.tenant->ous) {
    if (o.id == id && !o.retired) shown = &o;
  }
  return provisioning::Provisioned(change.kind == Change::Kind::kCreate,
                                   "{\"ou\":" + gateway::ProvisionedOuJson(*shown) + "}");
}

}  // namespace routerd::daemon
