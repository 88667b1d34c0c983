// ClusterMember: this instance's part in the cluster. One thread with its own
// database connection keeps the instance's heartbeat, renews the leases it
// holds, takes the tenants it should route and hands over those another
// instance should route.
//
// DESIGN
// Who should route a tenant: rendezvous hashing over the live instances (the
// highest hash of tenant and instance id wins). Every instance computes the
// same answer from the same rows, and when an instance joins or leaves only
// the tenants it wins or won move, no others.
//
// A round (every renew interval, and at once when another instance releases
// a lease, joins or leaves: NOTIFY on the leases channel):
//   1. heartbeat; renew every held lease at its epoch. A lease the renewal
//      does not return was lost (taken after it expired): the tenant is
//      dropped here at once. The renewal moves the local deadline to its send
//      time + lease - margin (TenantOwnership), so a paused owner stops before
//      its lease can expire in the database.
//   2. read the live instances and the leases; hand over each held tenant
//      that a live instance other than this one wins (stop routing it, write
//      what the journal holds for it, release the lease: the winner is told
//      by the release's NOTIFY and claims it at once);
//   3. claim each tenant whose lease is free (absent, released, expired) and
//      which this instance wins, or which has been free for longer than a
//      lease (its winner is not taking it); activate it (load and restore its
//      state), then publish it as routed here.
// When the database cannot be reached the round fails; held tenants stay
// routed until the local deadline, then are dropped without a release (the
// leases expire by themselves).
//
// A clean stop marks the instance leaving, then hands over every tenant.
//
// Thread safety: Start/Stop from the owning thread; stats from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/cluster/tenant_ownership.h"
#include "engine/storage/cluster_store.h"
#include "routerd/clock.h"
#include "routerd/status.h"

namespace routerd::cluster {

// What the member asks of the rest of the daemon.
class TenantHost {
 public:
  virtual ~TenantHost() = default;
  // Load the tenant's state through `session` (ClusterSession::LoadTenant),
  // restore it in its router shard, then publish it in TenantOwnership with
  // `lease.epoch` and `valid_until_ns`. An error leaves it unpublished.
  virtual Status Activate(storage::ClusterSession& session, const storage::HeldLease& lease,
                          std::int64_t valid_until_ns) = 0;
  // Stop routing the tenant here: withdraw it from TenantOwnership, drop its
  // router state, close its agents' connections (they reconnect to the new
  // owner). `handover`: also wait until every journal write made for it has
  // completed, so that the next owner finds it stored. Returns when done.
  virtual void Deactivate(const std::string& tenant_id, bool handover) = 0;
  // After each round that reached the database, on the member's thread.
  virtual void AfterRound() {}
};

struct ClusterMemberOptions {
  std::string instance_id;
  std::string url;
  std::chrono::milliseconds lease{3000};
  std::chrono::milliseconds renew_interval{1000};
  std::vector<std::string> tenants;  // configured tenant ids
};

struct ClusterMemberStats {
  std::atomic<std::uint64_t> rounds{0};
  std::atomic<std::uint64_t> failed_rounds{0};
  std::atomic<std::uint64_t> claims{0};        // leases taken and activated
  std::atomic<std::uint64_t> lost{0};          // held leases another instance took
  std::atomic<std::uint64_t> handovers{0};     // leases released to another instance
  std::atomic<std::uint64_t> step_downs{0};    // tenants dropped at the local deadline
  std::atomic<std::uint64_t> live_instances{0};
  std::atomic<std::uint64_t> reclaims{0};      // tenants dropped and taken afresh after a failed write
};

// Rendezvous hashing: the instance that should route `tenant_id` among `live`
// (not empty). Stable across processes and builds.
const std::string& PreferredInstance(const std::string& tenant_id, const std::vector<std::string>& live);

class ClusterMember {
 public:
  ClusterMember(ClusterMemberOptions options, storage::ClusterStore& store, TenantOwnership& ownership,
                TenantHost& host, const Clock& clock);
  ~ClusterMember();

  // Connects and runs the first round (so a single instance routes its
  // tenants when Start returns), then starts the thread. Unavailable when the
  // database cannot be reached.
  Status Start();
  // Marks the instance leaving and hands over every tenant, then stops the
  // thread. Idempotent.
  void Stop();

  // A tenant a reload added (already in TenantOwnership and the shards,
  // inactive): claimed from the next round on, as the others. From any thread.
  void AddTenant(const std::string& tenant_id);

  // The tenant's state here went ahead of what storage holds (a journal write
  // failed): drop it and release its lease at the next round, so that it is
  // taken afresh (a new epoch) and rebuilt from storage. From any thread.
  void Reclaim(const std::string& tenant_id);

  const ClusterMemberStats& stats() const { return stats_; }
  // The margin kept between the local deadline and the lease's expiry.
  std::chrono::milliseconds margin() const;

 private:
  struct Held {
    std::uint64_t epoch = 0;
  };
  void Run();
  Status Round();
  Status Claims(const std::vector<storage::ClusterInstance>& live, const std::vector<storage::TenantLease>& leases);
  void Drop(const std::string& tenant_id, bool handover);
  void StepDownIfPastDeadline();
  void HandOverAll();
  std::int64_t Deadline(std::int64_t sent_ns) const;
  Status Connect();
  bool Connected();

  const ClusterMemberOptions options_;
  storage::ClusterStore& store_;
  TenantOwnership& ownership_;
  TenantHost& host_;
  const Clock& clock_;

  // The member's thread only (and Start/Stop when the thread is not running).
  std::vector<std::string> tenants_;  // those claimed: the configured ones and those added since
  std::unique_ptr<storage::ClusterSession> session_;
  std::map<std::string, Held> held_;
  std::map<std::string, std::int64_t> free_since_ns_;  // tenants seen without an owner
  std::int64_t last_renew_ns_ = 0;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::vector<std::string> reclaims_;  // guarded by mu_
  std::vector<std::string> added_;     // guarded by mu_: tenants for tenants_
  std::thread thread_;
  ClusterMemberStats stats_;
};

}  // namespace routerd::cluster
