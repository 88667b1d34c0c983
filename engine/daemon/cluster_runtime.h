// ClusterRuntime: what cluster mode adds to the daemon, in one place: which
// tenants this instance routes (TenantOwnership), the lease loop
// (ClusterMember), the owner's inbox (InboxPump), the commit gate between the
// router and the agents (CommittedEventGate), and how a tenant is taken over
// or given up here (TenantHost).
//
// Taking a tenant over: its open sessions and pending contacts are read in one
// snapshot (which also empties its inbox), its router state is rebuilt on its
// shard (assigned sessions keep their agent through the grace period, and
// their `assigned` frames are replayed when the agent connects here), then it
// is published as routed here and its pending contacts are routed.
// Giving one up: it is withdrawn first (nothing more is routed or pushed for
// it here), its router state is dropped, its agents' and wallboards'
// connections are closed with the owner-moved code, and for a handover what
// the journal still holds is written before the lease is released.
//
// Thread safety: Activate/Deactivate on the member's thread; the rest as the
// parts say.
#pragma once

#include <memory>
#include <string>

#include "engine/cluster/cluster_member.h"
#include "engine/cluster/inbox_pump.h"
#include "engine/cluster/tenant_ownership.h"
#include "engine/config/config.h"
#include "engine/console/console.h"
#include "engine/daemon/committed_event_gate.h"
#include "engine/daemon/routing_event_fanout.h"
#include "engine/gateway/agent_gateway.h"
#include "engine/metrics/prometheus_writer.h"
#include "engine/shard/shard_set.h"
#include "engine/storage/storage.h"
#include "routerd/clock.h"

namespace routerd::daemon {

class ClusterRuntime final : public cluster::TenantHost {
 public:
  struct Parts {
    const config::Config& config;
    storage::Storage& storage;
    shard::ShardSet& shards;
    gateway::AgentGateway& gateway;
    console::Console& console;
    const Clock& clock;
    // Brings run-time administration made on other instances (definitions
    // provisioned, API tokens created or revoked) to this one; called every
    // few seconds.
    std::function<void()> sync_administration;
    // Applies the stored definitions before a tenant is taken over, so that
    // its sessions come back to the agents and queues its owner last had.
    std::function<void(const storage::AdministrationState&)> before_takeover;
  };

  // `ownership` is made by the daemon before the parts that read it;
  // `pushes` gets what the gate hands on after each commit.
  ClusterRuntime(Parts parts, cluster::TenantOwnership& ownership, routing::RoutingEventSink& pushes);
  ~ClusterRuntime() override;

  // What the shards' events go through in cluster mode: stored under the
  // tenant's lease, then handed on to `pushes` after the commit.
  routing::RoutingEventSink& gate() { return *gate_; }

  // After the HTTP server started: joins the cluster (the first round takes
  // the tenants this instance should route), then reads the inbox.
  Status Start();
  // Hands every tenant over and leaves the cluster. Idempotent.
  void Stop();

  // A tenant a reload added (in TenantOwnership and the shards already,
  // inactive): this instance claims it as it claims the others.
  void AddTenant(const std::string& tenant_id) { member_->AddTenant(tenant_id); }

  // cluster::TenantHost
  Status Activate(storage::ClusterSession& session, const storage::HeldLease& lease,
                  std::int64_t valid_until_ns) override;
  void Deactivate(const std::string& tenant_id, bool handover) override;
  void AfterRound() override;

  void RenderMetrics(metrics::PrometheusWriter& out) const;

 private:
  // Runs `fn` on the tenant's shard and waits for it.
  Status OnShard(const shard::TenantRef& tenant, std::function<void(routing::Router&, shard::RouterShard&)> fn);
  void RouteFromInbox(std::vector<ContactPtr>& contacts, const std::vector<storage::HeldLease>& held);
  Status RoutePending(const shard::TenantRef& tenant, std::uint64_t epoch, std::vector<ContactPtr>& contacts);

  Parts parts_;
  cluster::TenantOwnership& ownership_;
  std::unique_ptr<CommittedEventGate> gate_;
  std::unique_ptr<cluster::ClusterMember> member_;
  std::unique_ptr<cluster::InboxPump> pump_;
  // The member's thread and the pump's thread each route with their own.
  std::unique_ptr<shard::ShardSet::Producer> member_producer_;
  std::unique_ptr<shard::ShardSet::Producer> pump_producer_;
  bool started_ = false;
  std::int64_t last_sync_ns_ = 0;  // the member's thread
};

}  // namespace routerd::daemon
