// WallboardHub: the wallboard's server push. It learns when a tenant's routing
// state changed, takes a consistent snapshot on the tenant's router shard, and
// sends it to the tenant's open wallboards.
//
// DESIGN
// Knowing WHEN: routing events (MarkDirty, from the console's RoutingEventSink
// on the shard threads: one relaxed atomic store, never a lock or a wake-up)
// flag their tenant; a session that starts waiting produces no routing event,
// so the hub also watches each shard's processed-input counter and treats a
// change as a change of every watched tenant on that shard.
// Coalescing: the hub's own thread checks the flags every `min_interval`, and
// only while someone watches; a flagged tenant gets one snapshot per interval
// at most, however many events it had, and never two in flight. A heartbeat
// (`heartbeat`) re-sends every watched tenant's snapshot (oldest waits grow
// without events) and samples every tenant's waiting counts into its
// WaitingHistory, so a wallboard opened later still shows the last minutes.
// Snapshots: one ShardSet Post per shard per round, covering all its due
// tenants; the JSON is built there (reads only) and handed back to the hub
// thread, which adds the history and fans it out. Each connection keeps at
// most one waiting frame (WallboardSession), so a slow browser never grows
// the daemon's memory.
//
// Thread safety: MarkDirty from any thread (lock-free); Attach, Subscribe and
// Detach from I/O threads; Start and Stop from the owning thread. Snapshot
// building runs on shard threads; everything else on the hub's own thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "engine/base/grow_only_index.h"
#include "engine/config/config.h"
#include "engine/console/wallboard_session.h"
#include "engine/console/wallboard_snapshot.h"
#include "engine/shard/shard_set.h"
#include "routerd/clock.h"

namespace routerd::console {

struct WallboardOptions {
  std::chrono::milliseconds min_interval{250};  // at most one snapshot per tenant per interval
  std::chrono::milliseconds heartbeat{5000};    // snapshot of every watched tenant, history sample of all
  std::int64_t bucket_ms = 5000;                // history resolution
  std::size_t buckets = 120;                    // history length (10 minutes)
};

class WallboardHub {
 public:
  // Every argument must outlive the hub; `shards` must be stopped (or not
  // started) before the hub is destroyed.
  WallboardHub(const config::Config& config, shard::ShardSet& shards, const Clock& clock,
               WallboardOptions options = {});
  ~WallboardHub();
  WallboardHub(const WallboardHub&) = delete;
  WallboardHub& operator=(const WallboardHub&) = delete;

  // After the shards have started.
  void Start();
  // Closes every wallboard connection and refuses new ones; then the hub's
  // thread ends. Idempotent.
  void Stop();

  // A tenant a reload added, once the shards route it. From one thread at a
  // time (the reload).
  void AddTenant(const config::TenantConfig& tenant);

  // Something changed in this tenant's routing state. Any thread; lock-free.
  void MarkDirty(std::string_view tenant_id);

  // A connection finished its WebSocket handshake. False once the hub is
  // stopping: the caller closes it.
  bool Attach(const std::shared_ptr<WallboardSession>& session);
  // The (authenticated) connection watches this tenant from now on; its
  // first snapshot follows at once. False for an unknown tenant.
  // `token_serial`: the Principal::token_serial it authenticated with, for
  // CloseToken.
  bool Subscribe(const WallboardSession* session, std::string_view tenant_id, std::uint64_t token_serial = 0);
  // Closes the tenant's wallboards opened with this (revoked or removed) token.
  void CloseToken(std::string_view tenant_id, std::uint64_t token_serial);
  // Closes the tenant's wallboards with 4004 and `reason` (the owner's URL):
  // another instance routes the tenant now. How many.
  std::size_t CloseTenant(std::string_view tenant_id, const std::string& reason);
  void Detach(const WallboardSession* session);

  std::size_t connections() const;

 private:
  struct Tenant {
    std::uint32_t index = 0;  // its position in tenants_
    const config::TenantConfig* config = nullptr;
    shard::TenantRef ref;
    std::vector<std::string> queue_ids;
    std::atomic<bool> dirty{false};
    std::size_t watchers = 0;  // guarded by mu_
    // Hub thread only.
    bool in_flight = false;
    WaitingHistory history;

    Tenant(std::size_t queues, const WallboardOptions& o) : history(queues, o.bucket_ms, o.buckets) {}
  };
  struct Captured {
    std::uint32_t tenant = 0;
    bool full = false;
    std::string members;
    std::vector<std::uint32_t> waiting;
    std::vector<std::string> queue_ids;  // full captures: the queues in effect
  };
  struct Connection {
    std::weak_ptr<WallboardSession> session;
    int tenant = -1;  // set once subscribed
    std::uint64_t token_serial = 0;
  };
  // Hub thread.
  void ArmWatch();
  void WatchTick();
  void ArmHeartbeat();
  void HeartbeatTick();
  std::vector<std::uint32_t> Watched() const;
  // Snapshots of `full` (sorted), and with `sample_all` the waiting counts of
  // every tenant; one Post per shard.
  void Capture(const std::vector<std::uint32_t>& full, bool sample_all);
  void OnCaptured(std::int64_t at_ms, std::vector<Captured>& results);
  void Publish(std::uint32_t tenant, const Frame& frame);

  const config::Config& config_;
  shard::ShardSet& shards_;
  const Clock& clock_;
  const WallboardOptions options_;
  // `t` joins tenants_, visible at its next Publish; nullptr if known or
  // not routed.
  const Tenant* Add(const config::TenantConfig& t);

  // By id, and by position (Tenant::index): tenants are only added (a
  // reload's never moves the others).
  base::GrowOnlyIndex<Tenant> tenants_;
  std::vector<std::vector<std::uint32_t>> tenants_of_shard_;  // hub thread (and the constructor)

  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::steady_timer watch_timer_;
  boost::asio::steady_timer heartbeat_timer_;
  bool watching_ = false;                  // hub thread: the watch timer is armed
  std::vector<std::uint64_t> last_inputs_;  // hub thread: per shard
  std::thread thread_;

  // Shard tasks of Capture read the hub on a shard thread and may run after
  // the hub's own thread stopped (the shards outlive it); they hold this for
  // the length of the task and do nothing once Stop has cleared `alive`.
  struct Lifetime {
    std::mutex mu;
    bool alive = true;  // guarded by mu
  };
  const std::shared_ptr<Lifetime> lifetime_ = std::make_shared<Lifetime>();
  mutable std::mutex mu_;
  std::unordered_map<const WallboardSession*, Connection> connections_;  // guarded by mu_
  bool stopping_ = false;                                                // guarded by mu_
};

}  // namespace routerd::console
