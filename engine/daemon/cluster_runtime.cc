#include "engine/daemon/cluster_runtime.h"

#include <condition_variable>
#include <mutex>
#include <map>
#include <thread>

#include <spdlog/spdlog.h>

#include "engine/daemon/session_restore.h"

namespace routerd::daemon {
namespace {

// Pending contacts of a tenant taken over wait this long at most for room in
// its router queue.
constexpr std::chrono::seconds kPendingRoomTimeout{5};
// How often run-time administration made elsewhere is read again.
constexpr std::chrono::seconds kAdministrationSync{2};

// The run-time cap settings of one tenant as router commands, applied over the
// configuration's caps (stored_settings.h has the rule): what an administrator
// changed on the previous owner holds here too.
std::vector<routing::AgentCommand> CapCommands(const std::vector<storage::CapSetting>& caps,
                                               const shard::RoutingDirectory& directory,
                                               const shard::TenantRef& tenant) {
  std::vector<routing::AgentCommand> out;
  for (const storage::CapSetting& c : caps) {
    if (c.tenant_id != tenant.config->id) continue;
    routing::AgentCommand cmd;
    cmd.tenant = tenant.tenant;
    cmd.cap = c.cap ? std::optional<std::uint32_t>(static_cast<std::uint32_t>(*c.cap)) : std::nullopt;
    switch (c.scope) {
      case storage::CapScope::kAgent: {
        const std::optional<std::uint32_t> agent = directory.FindAgent(tenant, c.subject_id);
        if (!agent) continue;
        cmd.type = routing::AgentCommandType::kSetAgentCap;
        cmd.target = *agent;
        cmd.personal = c.personal;
        break;
      }
      case storage::CapScope::kOu: {
        const std::optional<std::uint32_t> ou = directory.FindOu(tenant, c.subject_id);
        if (!ou) continue;
        cmd.type = routing::AgentCommandType::kSetOuCap;
        cmd.target = *ou;
        break;
      }
      case storage::CapScope::kTenant:
        cmd.type = routing::AgentCommandType::kSetTenantCap;
        break;
    }
    out.push_back(cmd);
  }
  return out;
}

cluster::ClusterMemberOptions MemberOptions(const config::Config& config) {
  cluster::ClusterMemberOptions o;
  o.instance_id = config.cluster.instance_id;
  o.url = config.cluster.advertise_url;
  o.lease = std::chrono::milliseconds(config.cluster.lease_ms);
  o.renew_interval = std::chrono::milliseconds(config::EffectiveRenewIntervalMs(config.cluster));
  for (const config::TenantConfig& t : config.tenants) o.tenants.push_back(t.id);
  return o;
}

}  // namespace

ClusterRuntime::ClusterRuntime(Parts parts, cluster::TenantOwnership& ownership, routing::RoutingEventSink& pushes)
    : parts_(parts), ownership_(ownership) {
  storage::ClusterStore* store = parts_.storage.cluster();
  // The configuration refuses cluster mode on a backend without one.
  gate_ = std::make_unique<CommittedEventGate>(parts_.storage, ownership_, parts_.shards, pushes, parts_.clock,
                                               [this](const std::string& tenant) {
                                                 if (member_) member_->Reclaim(tenant);
                                               });
  member_ = std::make_unique<cluster::ClusterMember>(MemberOptions(parts_.config), *store, ownership_, *this,
                                                     parts_.clock);
  cluster::InboxPumpOptions pump;
  pump.instance_id = parts_.config.cluster.instance_id;
  pump.poll = std::chrono::milliseconds(parts_.config.cluster.inbox_poll_ms);
  pump_ = std::make_unique<cluster::InboxPump>(
      pump, *store, ownership_,
      [this](std::vector<ContactPtr>& contacts, const std::vector<storage::HeldLease>& held) {
        RouteFromInbox(contacts, held);
      });
  member_producer_ = std::make_unique<shard::ShardSet::Producer>(parts_.shards);
  pump_producer_ = std::make_unique<shard::ShardSet::Producer>(parts_.shards);
  // No tenant is routed here before its lease is taken: queued before the
  // shards start, so this runs before anything else on them.
  for (std::uint32_t i = 0; i < parts_.shards.size(); ++i) {
    parts_.shards.shard(i).Post([](routing::Router& router) {
      for (std::uint32_t t = 0; t < router.tenant_count(); ++t) router.SetTenantActive(t, false);
    });
  }
}

ClusterRuntime::~ClusterRuntime() { Stop(); }

Status ClusterRuntime::Start() {
  ROUTERD_RETURN_IF_ERROR(member_->Start());
  pump_->Start();
  started_ = true;
  spdlog::info("cluster: instance {} at {}: routing {} of {} tenant(s)", parts_.config.cluster.instance_id,
               parts_.config.cluster.advertise_url, ownership_.owned(), parts_.config.tenants.size());
  return Status::Ok();
}

void ClusterRuntime::Stop() {
  if (!started_) return;
  started_ = false;
  pump_->Stop();
  member_->Stop();
}

Status ClusterRuntime::OnShard(const shard::TenantRef& tenant,
                               std::function<void(routing::Router&, shard::RouterShard&)> fn) {
  // A shard that does not start the task in time is stopping (or stuck): the
  // tenant is not taken over rather than waited for forever.
  shard::RouterShard& shard = parts_.shards.shard(tenant.shard);
  return shard.RunAndWait([&shard, fn = std::move(fn)](routing::Router& router) { fn(router, shard); },
                          shard::kShardTaskStartTimeout);
}

Status ClusterRuntime::Activate(storage::ClusterSession& session, const storage::HeldLease& lease,
                                std::int64_t valid_until_ns) {
  const shard::RoutingDirectory& directory = parts_.shards.directory();
  const std::optional<shard::TenantRef> tenant = directory.FindTenant(lease.tenant_id);
  if (!tenant) return Status::NotFound("tenant " + lease.tenant_id + " is not configured here");
  StatusOr<storage::OpenState> state = session.LoadTenant(parts_.config.cluster.instance_id, lease);
  if (!state.ok()) return state.status();
  StatusOr<storage::AdministrationState> administration = parts_.storage.administration().Load();
  if (!administration.ok()) return administration.status();
  if (parts_.before_takeover) parts_.before_takeover(*administration);
  const std::vector<routing::AgentCommand> caps = CapCommands(administration->caps, directory, *tenant);

  const std::int64_t now_ns = parts_.clock.NowNs();
  const std::int64_t now_ms = parts_.clock.WallMs();
  RestoreCounts counts;
  std::vector<std::vector<TenantRestore>> plan =
      PlanRestores(state->sessions, directory, parts_.gateway, parts_.config.server.agent_grace_seconds > 0, now_ns,
                   now_ms, counts);
  std::vector<std::pair<std::uint32_t, std::uint64_t>> above;
  if (auto it = state->max_session_id.find(lease.tenant_id); it != state->max_session_id.end()) {
    above.emplace_back(tenant->tenant, it->second);
  } else {
    above.emplace_back(tenant->tenant, 0);
  }
  const std::uint64_t floor = SessionIdFloor(now_ms);
  std::vector<TenantRestore> restores = std::move(plan[tenant->shard]);
  const std::uint32_t t = tenant->tenant;
  const std::uint64_t epoch = lease.epoch;
  ROUTERD_RETURN_IF_ERROR(OnShard(*tenant, [&](routing::Router& router, shard::RouterShard& shard) {
    router.ResetTenant(t);
    // Straight to the tenant: it is still inactive, and the router refuses
    // commands for an inactive tenant.
    for (const routing::AgentCommand& cap : caps) router.tenant(t).OnCommand(cap, now_ns);
    ApplyRestores(router, restores, above, floor, now_ns, false);
    router.SetTenantActive(t, true);
    shard.SetLeaseEpoch(t, epoch);
    // Published here, on the shard, before the restore's events are handed
    // on: they are pushed only while the tenant is held at this epoch, and
    // contacts stamped with it must find the shard already at it.
    ownership_.Publish(lease.tenant_id, epoch, valid_until_ns);
  }));
  ROUTERD_RETURN_IF_ERROR(RoutePending(*tenant, epoch, state->pending_contacts));
  pump_->Kick();
  spdlog::info("cluster: tenant {} taken over at epoch {}: {} waiting and {} assigned session(s), {} pending "
               "contact(s)",
               lease.tenant_id, epoch, counts.waiting, counts.assigned, state->pending_contacts.size());
  return Status::Ok();
}

Status ClusterRuntime::RoutePending(const shard::TenantRef& tenant, std::uint64_t epoch,
                                    std::vector<ContactPtr>& contacts) {
  // Staged, then handed over with one wake-up of the shard per queue-full.
  const auto deadline = std::chrono::steady_clock::now() + kPendingRoomTimeout;
  for (ContactPtr& c : contacts) {
    const std::optional<std::uint32_t> channel = parts_.shards.directory().FindChannel(tenant, c->channel_id);
    if (!channel) continue;  // its channel is no longer configured
    ContactPtr one[] = {c};
    while (!parts_.shards.StageContacts(*member_producer_, tenant, *channel, one, epoch).ok()) {
      parts_.shards.Flush(*member_producer_);  // what is staged holds room: let the shard drain it
      if (std::chrono::steady_clock::now() >= deadline) {
        return Status::ResourceExhausted("the router queue of tenant " + tenant.config->id +
                                         " has no room for its pending contacts");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  parts_.shards.Flush(*member_producer_);
  return Status::Ok();
}

void ClusterRuntime::Deactivate(const std::string& tenant_id, bool handover) {
  ownership_.Withdraw(tenant_id);
  const std::optional<shard::TenantRef> tenant = parts_.shards.directory().FindTenant(tenant_id);
  if (!tenant) return;
  const std::uint32_t t = tenant->tenant;
  Status dropped = OnShard(*tenant, [t](routing::Router& router, shard::RouterShard& shard) {
    shard.SetLeaseEpoch(t, 0);
    router.SetTenantActive(t, false);
    router.ResetTenant(t);
  });
  if (!dropped.ok()) spdlog::warn("cluster: tenant {}: router state not dropped: {}", tenant_id, dropped.message());
  const std::string url = ownership_.OwnerUrl(tenant_id).value_or("");
  parts_.gateway.CloseTenantConnections(tenant_id, url);
  parts_.console.CloseTenantWallboards(tenant_id, url);
  if (handover) {
    // Everything the journal holds for it is written before the lease goes.
    if (Status s = parts_.storage.Flush(); !s.ok()) {
      spdlog::warn("cluster: tenant {}: journal not flushed before the handover: {}", tenant_id, s.message());
    }
  }
}

void ClusterRuntime::AfterRound() {
  const std::int64_t now_ns = parts_.clock.NowNs();
  if (now_ns - last_sync_ns_ < std::chrono::nanoseconds(kAdministrationSync).count()) return;
  last_sync_ns_ = now_ns;
  if (parts_.sync_administration) parts_.sync_administration();
}

void ClusterRuntime::RouteFromInbox(std::vector<ContactPtr>& contacts, const std::vector<storage::HeldLease>& held) {
  std::map<std::string_view, std::uint64_t> epoch_of;
  for (const storage::HeldLease& l : held) epoch_of[l.tenant_id] = l.epoch;
  const shard::RoutingDirectory& directory = parts_.shards.directory();
  std::vector<ContactPtr> left;
  for (ContactPtr& c : contacts) {
    const std::optional<shard::TenantRef> tenant = directory.FindTenant(c->tenant_id);
    const std::optional<std::uint32_t> channel = tenant ? directory.FindChannel(*tenant, c->channel_id) : std::nullopt;
    auto epoch = epoch_of.find(c->tenant_id);
    if (!tenant || !channel || epoch == epoch_of.end()) continue;  // not configured here, or not held
    ContactPtr one[] = {c};
    if (!parts_.shards.StageContacts(*pump_producer_, *tenant, *channel, one, epoch->second).ok()) {
      left.push_back(std::move(c));  // the router is full: offered again
    }
  }
  // One wake-up per shard for the whole pass.
  parts_.shards.Flush(*pump_producer_);
  contacts.swap(left);
}

void ClusterRuntime::RenderMetrics(metrics::PrometheusWriter& out) const {
  const cluster::ClusterMemberStats& m = member_->stats();
  out.One("routerd_cluster_tenants_routed", "gauge", "Tenants this instance routes now (holds the lease of).",
          static_cast<std::uint64_t>(ownership_.owned()));
  out.One("routerd_cluster_live_instances", "gauge", "Instances with a recent heartbeat, as last read.",
          m.live_instances.load(std::memory_order_relaxed));
  out.Family("routerd_cluster_lease_events_total", "counter", "Tenant lease changes on this instance, by kind.");
  out.Sample("routerd_cluster_lease_events_total", {{"kind", "claimed"}}, m.claims.load(std::memory_order_relaxed));
  out.Sample("routerd_cluster_lease_events_total", {{"kind", "lost"}}, m.lost.load(std::memory_order_relaxed));
  out.Sample("routerd_cluster_lease_events_total", {{"kind", "handed_over"}},
             m.handovers.load(std::memory_order_relaxed));
  out.Sample("routerd_cluster_lease_events_total", {{"kind", "stepped_down"}},
             m.step_downs.load(std::memory_order_relaxed));
  out.Sample("routerd_cluster_lease_events_total", {{"kind", "reclaimed"}}, m.reclaims.load(std::memory_order_relaxed));
  out.One("routerd_cluster_failed_rounds_total", "counter", "Lease rounds that could not reach the database.",
          m.failed_rounds.load(std::memory_order_relaxed));
  out.One("routerd_cluster_inbox_contacts_total", "counter",
          "Contacts other instances stored for tenants routed here, taken from the inbox.",
          pump_->taken());
  out.One("routerd_cluster_withheld_events_total", "counter",
          "Routing events not pushed because their tenant's journal write failed or its lease was gone.",
          gate_->withheld());
  out.One("routerd_cluster_failed_writes_total", "counter",
          "Journal writes of a tenant refused (lease lost) or failed in cluster mode.",
          gate_->failed_writes());
  std::uint64_t stale = 0;
  for (std::uint32_t i = 0; i < parts_.shards.size(); ++i) stale += parts_.shards.shard(i).stale_contacts();
  out.One("routerd_cluster_stale_contacts_total", "counter",
          "Contacts the router dropped because their tenant's lease changed before they arrived.",
          stale);
}

}  // namespace routerd::daemon
