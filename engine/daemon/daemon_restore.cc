// What a start brings back from storage: the sessions and contacts of the
// open state, and the API tokens created at run time.
#include <spdlog/spdlog.h>

#include "engine/config/token_rules.h"
#include "engine/daemon/daemon.h"
#include "engine/daemon/session_restore.h"

namespace routerd::daemon {

// API tokens whose tenant or agent the configuration still has; the others
// are skipped and reported (they stay stored, and count again if the
// configuration brings their subject back).
void Daemon::AddStoredTokens(const std::vector<storage::StoredToken>& tokens, bool report_skipped) {
  for (const storage::StoredToken& t : tokens) {
    const std::optional<shard::TenantRef> ref = shards_->directory().FindTenant(t.tenant_id);
    const config::TenantConfig* tenant = ref ? ref->config : nullptr;
    std::optional<std::string> employee;
    if (t.role == config::TokenConfig::Role::kAgent) employee = t.employee_id;
    // Its agent as in effect: a reload may have added or removed it.
    const std::shared_ptr<const config::TenantConfig> in_effect =
        tenant == nullptr ? nullptr : shards_->tenant_configs().Get(tenant->id);
    if (in_effect == nullptr || config::CheckTokenSubject(*in_effect, t.role, employee)) {
      if (!report_skipped) continue;
      spdlog::warn("stored API token '{}' of tenant {} skipped: the configuration no longer has its {}", t.name,
                   t.tenant_id, tenant == nullptr ? "tenant" : "agent");
      continue;
    }
    auth_->Add(*tenant, t.sha256, {t.name, t.role, t.employee_id, true, 0, t.created_at_ms, t.created_by});
  }
}

// Sessions come back in their shards (restored on the shard thread before
// anything else it runs), then the contacts that were accepted but never
// routed follow as ordinary contacts and join their customers' sessions.
Status Daemon::Recover() {
  if (!open_state_) return Status::Ok();  // cluster mode: per tenant, when taken over (ClusterRuntime)
  storage::OpenState state = std::move(*open_state_);
  open_state_.reset();
  recovery_.dedup_keys = state.dedup_keys;
  recovery_.leave_messages = state.leave_messages;
  const std::int64_t now_ns = clock_.NowNs();
  const std::int64_t now_ms = clock_.WallMs();
  const bool keep_assignments = config_.server.agent_grace_seconds > 0;
  const auto& directory = shards_->directory();

  RestoreCounts counts;
  std::vector<std::vector<TenantRestore>> per_shard =
      PlanRestores(state.sessions, directory, *agent_gateway_, keep_assignments, now_ns, now_ms, counts);
  recovery_.waiting_sessions += counts.waiting;
  recovery_.assigned_sessions += counts.assigned;
  recovery_.skipped += counts.skipped;
  const std::uint64_t id_floor = SessionIdFloor(now_ms);
  for (std::uint32_t i = 0; i < shards_->size(); ++i) {
    std::vector<std::pair<std::uint32_t, std::uint64_t>> max_ids;
    for (const auto& [tenant_id, max_id] : state.max_session_id) {
      auto tenant = directory.FindTenant(tenant_id);
      if (tenant && tenant->shard == i) max_ids.emplace_back(tenant->tenant, max_id);
    }
    shards_->shard(i).Post([restores = std::move(per_shard[i]), max_ids = std::move(max_ids), now_ns,
                            id_floor](routing::Router& router) mutable {
      ApplyRestores(router, restores, max_ids, id_floor, now_ns, true);
    });
  }

  shard::ShardSet::Producer producer(*shards_);
  for (const ContactPtr& c : state.pending_contacts) {
    auto tenant = directory.FindTenant(c->tenant_id);
    auto channel = tenant ? directory.FindChannel(*tenant, c->channel_id) : std::nullopt;
    if (!tenant || !channel) {
      ++recovery_.skipped;
      continue;
    }
    ContactPtr one[] = {c};
    // Before the shards start their queues only fill: a backlog larger than
    // a queue cannot be restored in one go.
    if (Status s = shards_->SubmitContacts(producer, *tenant, *channel, one); !s.ok()) {
      return Status::ResourceExhausted("more contacts to restore than router_queue_capacity (" +
                                       std::to_string(config_.server.router_queue_capacity) +
                                       ") holds: raise it for this start");
    }
    ++recovery_.pending_contacts;
  }
  return Status::Ok();
}

}  // namespace routerd::daemon
