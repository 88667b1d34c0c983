// CommittedEventGate: cluster mode's journal and push order. A router batch's
// session events are stored per tenant with the tenant's lease epoch checked
// inside the commit (Storage::AppendFencedSessionEvents); what the batch
// tells agents, the console, the command broker and the leave-message store
// is handed on only after that commit, and only while the instance still
// holds the tenant at that epoch. So an instance that lost a tenant (paused,
// cut off, taken over) can neither store nor push anything for it: what it
// decided is not in storage, and the next owner decides again from what is.
//
// Order: batches are handed on in the order the shard made them, per shard
// (a FIFO of batches, each waiting for its commits), on the shard's thread.
//
// A tenant whose write failed (its lease was lost, or storage failed) is not
// pushed for again at that epoch, and `reclaim` is called: the instance drops
// the tenant and takes it afresh, rebuilding its state from storage, because
// the router went ahead of what is stored.
//
// Thread safety: OnRoutingEvents on shard threads (one FIFO per shard, touched
// only by its own thread); completions come on storage threads and are posted
// back to the shard.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/cluster/tenant_ownership.h"
#include "engine/routing/routing_events.h"
#include "engine/shard/shard_set.h"
#include "engine/storage/storage.h"
#include "routerd/clock.h"

namespace routerd::daemon {

class CommittedEventGate final : public routing::RoutingEventSink {
 public:
  using Reclaim = std::function<void(const std::string& tenant_id)>;

  // Everything must outlive the gate; `downstream` gets the committed batches.
  CommittedEventGate(storage::Storage& storage, const cluster::TenantOwnership& ownership, shard::ShardSet& shards,
                     routing::RoutingEventSink& downstream, const Clock& clock, Reclaim reclaim);

  // Takes the events (moves them out): add it after every other direct sink.
  void OnRoutingEvents(std::span<routing::RoutingEvent> events) override;

  std::uint64_t withheld() const { return withheld_.load(std::memory_order_relaxed); }
  std::uint64_t failed_writes() const { return failed_writes_.load(std::memory_order_relaxed); }

 private:
  struct TenantPart {
    std::uint32_t tenant = 0;  // shard-local
    std::uint64_t epoch = 0;   // the shard's epoch for it when the batch was made
    bool failed = false;
  };
  struct Batch {
    std::vector<routing::RoutingEvent> events;
    std::vector<TenantPart> parts;
    int pending = 0;  // commits not yet completed
  };
  struct ShardGate {
    std::deque<std::shared_ptr<Batch>> fifo;
    std::vector<std::uint64_t> poisoned_epoch;  // per tenant: a write failed at this epoch
  };

  static std::uint64_t& PoisonedEpoch(ShardGate& gate, std::uint32_t tenant);
  void Completed(std::uint32_t shard, const std::shared_ptr<Batch>& batch, std::size_t part, const Status& status);
  void HandOn(std::uint32_t shard);
  void Fail(std::uint32_t shard, TenantPart& part, const Status& why);

  storage::Storage& storage_;
  const cluster::TenantOwnership& ownership_;
  shard::ShardSet& shards_;
  routing::RoutingEventSink& downstream_;
  const Clock& clock_;
  const Reclaim reclaim_;
  std::vector<ShardGate> gates_;
  std::atomic<std::uint64_t> withheld_{0};
  std::atomic<std::uint64_t> failed_writes_{0};
};

}  // namespace routerd::daemon
