// RouterShard: one thread that owns a Router (the routing state of a set of
// tenants) and runs its own Asio io_context.
//
// DESIGN
// Producers (I/O threads) push ShardInputs into bounded lock-free queues and
// then call Wake(). Contacts and agent commands have separate queues, and each
// drain takes commands first: a flood of contacts must never delay the closes
// and ready events that free the capacity to serve it. Wake() posts a drain to the io_context only if none is
// pending, so a burst of N pushes costs one cross-thread wake-up, not N. The
// drain clears the pending flag first and then empties the queue in bulk
// (router_batch_size items per dequeue), stepping the Router once per item with
// one clock read per bulk; it hands all RoutingEvents of the drain to the sink
// in one call. A periodic timer steps the Router's timeouts.
// No lock guards routing state: only this thread touches the Router.
//
// Thread safety: TryPush*, Wake, Post and the counters are safe from any thread;
// everything else runs on the shard thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "engine/config/config.h"
#include "engine/queue/bounded_mpsc_queue.h"
#include "engine/routing/policy_registry.h"
#include "engine/routing/router.h"
#include "engine/routing/routing_events.h"
#include "engine/shard/shard_input.h"
#include "routerd/clock.h"
#include "routerd/status.h"

namespace routerd::shard {

// How long a control-plane caller waits for a shard to start its task
// (RunAndWait) before it gives up: a shard that busy is reported, not waited on.
inline constexpr std::chrono::seconds kShardTaskStartTimeout{10};

struct RouterShardOptions {
  std::size_t queue_capacity = 65536;          // contacts
  std::size_t command_queue_capacity = 16384;  // agent commands
  std::size_t batch_size = 256;
  std::int64_t tick_ns = 100'000'000;
  routing::TenantRouterOptions tenant;
};

struct RouterShardCounters {
  std::atomic<std::uint64_t> inputs{0};
  std::atomic<std::uint64_t> drains{0};
  std::atomic<std::uint64_t> events{0};
  std::atomic<std::uint64_t> rejected_full{0};
};

class RouterShard {
 public:
  using Queue = queue::BoundedMpscQueue<ShardInput>;

  RouterShard(std::uint32_t index, std::span<const config::TenantConfig* const> tenants,
              const routing::PolicyRegistry& policies, const RouterShardOptions& options, const Clock& clock,
              routing::RoutingEventSink& sink);
  ~RouterShard();
  RouterShard(const RouterShard&) = delete;
  RouterShard& operator=(const RouterShard&) = delete;

  void Start();
  // Processes everything already queued, then stops the thread. Producers must
  // have stopped pushing.
  void Stop();

  // Producer side. All-or-nothing; false (and counted) when the queue is full.
  // Items go to the contact or the command queue by their kind; one call
  // carries one kind.
  bool TryPushBulk(Queue::ProducerToken& token, std::span<ShardInput> items);
  bool TryPushCommand(Queue::ProducerToken& token, ShardInput&& item);
  bool TryPushCommand(ShardInput&& item);
  // For producers that reserve room themselves and find none.
  void CountRejectedFull() { counters_.rejected_full.fetch_add(1, std::memory_order_relaxed); }
  // Makes the shard drain soon; cheap when a drain is already pending.
  void Wake();
  Queue& queue() { return queue_; }
  Queue& command_queue() { return commands_; }

  // Runs `fn` on the shard thread with the Router (control plane: admin
  // queries, never per message).
  void Post(std::function<void(routing::Router&)> fn);
  // The same, and waits for it: Unavailable when the shard has not started
  // it within `start_timeout` (it then never runs, so that it cannot change
  // the router behind a caller that gave up); once started it is waited for,
  // also when it throws (which is logged). Never from the shard thread.
  Status RunAndWait(std::function<void(routing::Router&)> fn, std::chrono::milliseconds start_timeout);

  // A tenant a reload adds: on the shard thread, at the next shard-local
  // index (returned), active unless `active` is false, its session ids
  // starting above `session_id_floor`. Waits as RunAndWait does.
  StatusOr<std::uint32_t> AddTenant(const config::TenantConfig& tenant, bool active,
                                    std::uint64_t session_id_floor, std::chrono::milliseconds start_timeout);

  std::uint32_t index() const { return index_; }
  // The index of the shard whose thread calls this; nullopt on any other thread.
  static std::optional<std::uint32_t> CurrentIndex();
  const RouterShardCounters& counters() const { return counters_; }
  std::size_t QueueDepthApprox() const { return queue_.SizeApprox(); }

  // The statistics of a queue of one of this shard's tenants. Safe from any
  // thread while the shard runs: neither tenants nor queues move when others
  // are added, and statistics are single-writer atomics.
  const routing::QueueStatistics& Statistics(std::uint32_t tenant, std::uint32_t queue) const {
    return router_.tenant(tenant).Statistics(queue);
  }

  // Cluster mode: the epoch of the lease under which this instance routes a
  // tenant now (0: not routed here), see ShardInput::lease_epoch. Shard
  // thread only (from a Post task).
  void SetLeaseEpoch(std::uint32_t tenant, std::uint64_t epoch) { lease_epoch_[tenant] = epoch; }
  std::uint64_t LeaseEpoch(std::uint32_t tenant) const { return lease_epoch_[tenant]; }
  // Contacts dropped because their lease epoch was not the tenant's current one.
  std::uint64_t stale_contacts() const { return stale_contacts_.load(std::memory_order_relaxed); }

  // REQUIRES: the shard is not running (before Start or after Stop). For
  // tests and end-of-run inspection; running code uses Post().
  const routing::Router& RouterWhileStopped() const { return router_; }

 private:
  void Drain();
  std::size_t Process(Queue& queue);
  // A command threw: its waiting caller, if any, gets kInternal.
  void CommandFailed(const routing::AgentCommand& command);
  void ArmTick();
  void Flush();

  const std::uint32_t index_;
  const RouterShardOptions options_;
  const Clock& clock_;
  routing::RoutingEventSink& sink_;
  routing::Router router_;
  Queue queue_;
  Queue commands_;
  boost::asio::io_context io_;
  boost::asio::steady_timer tick_timer_;
  std::vector<ShardInput> batch_;
  std::vector<std::uint64_t> lease_epoch_;  // per tenant; shard thread only
  std::atomic<std::uint64_t> stale_contacts_{0};
  alignas(64) std::atomic<bool> drain_pending_{false};
  std::atomic<bool> stopping_{false};
  RouterShardCounters counters_;
  std::thread thread_;
};

}  // namespace routerd::shard
