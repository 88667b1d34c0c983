// The provisioning API's changes to a tenant's skill queues
// (gateway/provisioning_api.h): checked by the configuration file's rules
// against the tenant in effect, stored, then applied like a reload's changes,
// as for agents and OUs (daemon_provisioning.cc).
#include <algorithm>

#include "engine/config/agent_definition.h"
#include "engine/config/overflow_target.h"
#include "engine/config/queue_changes.h"
#include "engine/config/tenant_changes.h"
#include "engine/daemon/daemon.h"
#include "engine/daemon/provisioning_answers.h"
#include "engine/gateway/api_common.h"
#include "engine/gateway/tenant_config_json.h"

namespace routerd::daemon {

using Change = gateway::ProvisioningApi::Change;
using http::HttpResponse;
using http::HttpStatus;
using provisioning::Conflict;
using provisioning::InvalidDefinition;
using provisioning::LogChange;
using provisioning::SomeOf;

std::optional<HttpResponse> Daemon::QueueRemovalConflict(const config::TenantConfig& desired,
                                                         const shard::TenantRef& ref, const std::string& id) {
  // What routes into the queue goes elsewhere first, so that nothing is left
  // that only it would serve.
  std::vector<std::string> channels, queues, agents;
  for (const config::ChannelConfig& c : desired.channels) {
    if (c.skill_queue == id) channels.push_back(c.id);
  }
  for (const config::SkillQueueConfig& q : desired.skill_queues) {
    if (q.on_overflow.kind == config::OverflowTarget::Kind::kQueue && q.on_overflow.queue_id == id) {
      queues.push_back(q.id);
    }
  }
  for (const config::AgentConfig& a : desired.agents) {
    if (std::find(a.skill_queues.begin(), a.skill_queues.end(), id) != a.skill_queues.end()) {
      agents.push_back(a.employee_id);
    }
  }
  if (!channels.empty()) {
    return Conflict("skill queue '" + id + "' takes the sessions of channel(s) " + SomeOf(channels) +
                    ": give them another skill_queue in the configuration file and reload first");
  }
  if (!queues.empty()) {
    return Conflict("skill queue(s) " + SomeOf(queues) + " overflow into '" + id +
                    "': change their on_overflow first (PUT /api/v1/skill_queues/{id})");
  }
  if (!agents.empty()) {
    return Conflict("skill queue '" + id + "' has " + std::to_string(agents.size()) + " agent(s) (" +
                    SomeOf(agents) + "): take it out of their skill_queues first (PUT /api/v1/agents/{id})");
  }
  // Sessions still waiting in it (transferred there, or there when its last
  // channel moved) are served or leave it by its on_overflow first.
  std::uint32_t waiting = 0;
  const Status asked = shards_->shard(ref.shard).RunAndWait(
      [&](routing::Router& router) {
        const routing::TenantRouter& t = router.tenant(ref.tenant);
        if (const std::optional<std::uint32_t> q = t.FindQueue(id)) waiting = t.Queue(*q).waiting;
      },
      shard::kShardTaskStartTimeout);
  if (!asked.ok()) return gateway::FromCode(asked.code(), asked.message());
  if (waiting != 0) {
    return Conflict("skill queue '" + id + "' has " + std::to_string(waiting) +
                    " waiting session(s): they are served, or leave it by its on_overflow after its "
                    "max_wait_seconds; remove it once none waits (GET /api/v1/queues shows them)");
  }
  return std::nullopt;
}

HttpResponse Daemon::ProvisionQueue(const Change& change, const config::TenantConfig& live,
                                    const shard::TenantRef& ref) {
  std::optional<config::SkillQueueConfig> queue;
  std::string id = change.object_id;
  if (change.kind != Change::Kind::kRemove) {
    std::vector<std::string> errors;
    queue = config::ReadSkillQueueDefinition(change.definition, policies_->Names(), errors);
    if (!queue) return InvalidDefinition(errors);
    id = queue->id;
  }
  // The tenant with this change, as a file would have it.
  config::TenantConfig desired = config::WithoutRetired(live);
  const auto at = std::find_if(desired.skill_queues.begin(), desired.skill_queues.end(),
                               [&](const config::SkillQueueConfig& q) { return q.id == id; });
  if (auto error = provisioning::ExistenceError(change.kind, at != desired.skill_queues.end(), "skill queue", id,
                                                "skill_queues")) {
    return std::move(*error);
  }
  if (queue) {
    provisioning::Put(desired.skill_queues, at, *queue);
    // Against the retired ones too: a queue that comes back takes its old place.
    if (!config::QueuesWithOtherMedia(live, desired).empty()) {
      return Conflict("skill queue '" + id +
                      "': its media does not change while routerd runs (its lanes are laid out by it): "
                      "create a queue with another id, or change the configuration file and restart");
    }
  } else {
    if (std::optional<HttpResponse> refused = QueueRemovalConflict(desired, ref, id)) return std::move(*refused);
    desired.skill_queues.erase(at);
  }
  if (std::vector<std::string> errors = config::SkillQueueErrors(desired); !errors.empty()) {
    return InvalidDefinition(errors);
  }

  const config::TenantChanges merged = config::MergeTenantChanges(live, desired, /*structure_changed=*/false);
  const StatusOr<std::size_t> applied =
      StoreAndApply(provisioning::StoredChange(storage::DefinitionKind::kSkillQueue, change, id), ref, merged.agents);
  if (!applied.ok()) return gateway::FromCode(applied.status().code(), applied.status().message());
  LogChange("skill queue", change, id);
  if (!queue) return provisioning::Removed(id);
  return provisioning::Provisioned(change.kind == Change::Kind::kCreate, gateway::QueueJson(*merged.agents.tenant, id));
}

}  // namespace routerd::daemon
