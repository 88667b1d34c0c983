// What a start brings back from storage: the sessions and contacts of the
// open state, and the API tokens created at run time.
#include <spdlog/spdlog.h>

#include "engine/config/token_rules.h"
#include "engine/daemon/daemon.h"

namespace routerd::daemon {

// API tokens whose tenant or agent the configuration still has; the others
// are skipped and reported (they stay stored, and count again if the
// configuration brings their subject back).
void Daemon::AddStoredTokens(const std::vector<storage::StoredToken>& tokens) {
  for (const storage::StoredToken& t : tokens) {
    const config::TenantConfig* tenant = nullptr;
    for (const auto& c : config_.tenants) {
      if (c.id == t.tenant_id) tenant = &c;
    }
    std::optional<std::string> employee;
    if (t.role == config::TokenConfig::Role::kAgent) employee = t.employee_id;
    if (tenant == nullptr || config::CheckTokenSubject(*tenant, t.role, employee)) {
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
  storage::OpenState state = std::move(*open_state_);
  open_state_.reset();
  recovery_.dedup_keys = state.dedup_keys;
  recovery_.leave_messages = state.leave_messages;
  const std::int64_t now_ns = clock_.NowNs();
  const std::int64_t now_ms = clock_.WallMs();
  const bool keep_assignments = config_.server.agent_grace_seconds > 0;
  const auto& directory = shards_->directory();

  struct Restore {
    std::uint32_t tenant;
    routing::TenantRouter::RestoredSession session;
  };
  std::vector<std::vector<Restore>> per_shard(shards_->size());
  for (storage::RecoveredSession& r : state.sessions) {
    auto tenant = directory.FindTenant(r.tenant_id);
    auto channel = tenant ? directory.FindChannel(*tenant, r.channel_id) : std::nullopt;
    if (!tenant || !channel || r.contacts.empty()) {
      ++recovery_.skipped;
      continue;
    }
    routing::TenantRouter::RestoredSession session;
    session.id = r.session_id;
    session.channel = *channel;
    const auto& channels = tenant->config->channels;
    auto queue = directory.FindQueue(*tenant, r.queue_id);
    if (!queue) queue = directory.FindQueue(*tenant, channels[*channel].skill_queue);
    if (!queue) {
      ++recovery_.skipped;
      continue;
    }
    session.queue = *queue;
    session.arrival_ns = now_ns - std::max<std::int64_t>(0, now_ms - r.arrival_ms) * 1'000'000;
    session.contacts = std::move(r.contacts);
    if (r.employee_id && keep_assignments) {
      if (auto agent = directory.FindAgent(*tenant, *r.employee_id)) {
        session.agent = *agent;
        if (gateway::AgentChannel* ch = agent_gateway_->Channel(r.tenant_id, *r.employee_id)) {
          agent_gateway_->BeginRecoveredGrace(*ch);
        }
      }
    }
    (session.agent == routing::kNone ? recovery_.waiting_sessions : recovery_.assigned_sessions) += 1;
    per_shard[tenant->shard].push_back(Restore{tenant->tenant, std::move(session)});
  }
  // Session ids handed to agents before a crash may not have reached the
  // journal; new ones must not repeat them. So new ids start above the
  // largest stored id and above a floor that grows with the wall clock (one
  // sequence number per millisecond since 2020, in the 40 bits above the slot
  // index), which the sequence of the previous run only passes when a tenant
  // opened more than a thousand sessions per second over its whole uptime.
  constexpr std::int64_t kIdEpochMs = 1'577'836'800'000;  // 2020-01-01T00:00:00Z
  const std::uint64_t id_floor = static_cast<std::uint64_t>(std::max<std::int64_t>(0, now_ms - kIdEpochMs))
                                 << routing::kSessionSlotBits;
  for (std::uint32_t i = 0; i < shards_->size(); ++i) {
    std::vector<std::pair<std::uint32_t, std::uint64_t>> max_ids;
    for (const auto& [tenant_id, max_id] : state.max_session_id) {
      auto tenant = directory.FindTenant(tenant_id);
      if (tenant && tenant->shard == i) max_ids.emplace_back(tenant->tenant, std::max(max_id, id_floor));
    }
    shards_->shard(i).Post([restores = std::move(per_shard[i]), max_ids = std::move(max_ids), now_ns,
                            id_floor](routing::Router& router) mutable {
      for (Restore& r : restores) {
        if (Status s = router.tenant(r.tenant).Restore(std::move(r.session), now_ns); !s.ok()) {
          spdlog::warn("session not restored: {}", s.message());
        }
      }
      // Once per tenant: above its largest stored id, or the floor.
      std::vector<std::uint64_t> above(router.tenant_count(), id_floor);
      for (const auto& [tenant, max_id] : max_ids) above[tenant] = max_id;
      for (std::uint32_t t = 0; t < router.tenant_count(); ++t) router.tenant(t).FinishRestore(above[t]);
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
