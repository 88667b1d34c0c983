#include "engine/daemon/session_restore.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace routerd::daemon {

std::vector<std::vector<TenantRestore>> PlanRestores(std::vector<storage::RecoveredSession>& sessions,
                                                     const shard::RoutingDirectory& directory,
                                                     gateway::AgentGateway& gateway, bool keep_assignments,
                                                     std::int64_t now_ns, std::int64_t now_ms, RestoreCounts& counts) {
  std::vector<std::vector<TenantRestore>> per_shard(directory.shard_count());
  for (storage::RecoveredSession& r : sessions) {
    auto tenant = directory.FindTenant(r.tenant_id);
    auto channel = tenant ? directory.FindChannel(*tenant, r.channel_id) : std::nullopt;
    if (!tenant || !channel || r.contacts.empty()) {
      ++counts.skipped;
      continue;
    }
    routing::TenantRouter::RestoredSession session;
    session.id = r.session_id;
    session.channel = *channel;
    // Its stored queue, else its channel's at start-up (a channel added at
    // run time has none there; its sessions store their queue).
    const auto& channels = tenant->config->channels;
    auto queue = directory.FindQueue(*tenant, r.queue_id);
    if (!queue && *channel < channels.size()) queue = directory.FindQueue(*tenant, channels[*channel].skill_queue);
    if (!queue) {
      ++counts.skipped;
      continue;
    }
    session.queue = *queue;
    session.arrival_ns = now_ns - std::max<std::int64_t>(0, now_ms - r.arrival_ms) * 1'000'000;
    session.contacts = std::move(r.contacts);
    if (r.employee_id && keep_assignments) {
      if (auto agent = directory.FindAgent(*tenant, *r.employee_id)) {
        session.agent = *agent;
        if (gateway::AgentChannel* ch = gateway.Channel(r.tenant_id, *r.employee_id)) {
          gateway.BeginRecoveredGrace(*ch);
        }
      }
    }
    (session.agent == routing::kNone ? counts.waiting : counts.assigned) += 1;
    per_shard[tenant->shard].push_back(TenantRestore{tenant->tenant, std::move(session)});
  }
  return per_shard;
}

std::uint64_t SessionIdFloor(std::int64_t now_ms) {
  constexpr std::int64_t kIdEpochMs = 1'577'836'800'000;  // 2020-01-01T00:00:00Z
  return static_cast<std::uint64_t>(std::max<std::int64_t>(0, now_ms - kIdEpochMs)) << routing::kSessionSlotBits;
}

void ApplyRestores(routing::Router& router, std::vector<TenantRestore>& restores,
                   const std::vector<std::pair<std::uint32_t, std::uint64_t>>& above, std::uint64_t floor,
                   std::int64_t now_ns, bool every_tenant) {
  for (TenantRestore& r : restores) {
    if (Status s = router.tenant(r.tenant).Restore(std::move(r.session), now_ns); !s.ok()) {
      spdlog::warn("session not restored: {}", s.message());
    }
  }
  // Once per tenant: above its largest stored id, or the floor.
  std::vector<std::uint64_t> start(router.tenant_count(), floor);
  std::vector<bool> listed(router.tenant_count(), every_tenant);
  for (const auto& [tenant, max_id] : above) {
    start[tenant] = std::max(max_id, floor);
    listed[tenant] = true;
  }
  for (std::uint32_t t = 0; t < router.tenant_count(); ++t) {
    if (listed[t]) router.tenant(t).FinishRestore(start[t]);
  }
}

}  // namespace routerd::daemon
