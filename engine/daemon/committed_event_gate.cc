#include "engine/daemon/committed_event_gate.h"

#include <iterator>
#include <utility>

#include <spdlog/spdlog.h>

#include "engine/daemon/session_journal.h"

namespace routerd::daemon {

CommittedEventGate::CommittedEventGate(storage::Storage& storage, const cluster::TenantOwnership& ownership,
                                       shard::ShardSet& shards, routing::RoutingEventSink& downstream,
                                       const Clock& clock, Reclaim reclaim)
    : storage_(storage),
      ownership_(ownership),
      shards_(shards),
      downstream_(downstream),
      clock_(clock),
      reclaim_(std::move(reclaim)),
      gates_(shards.size()) {
  for (std::uint32_t i = 0; i < shards.size(); ++i) {
    gates_[i].poisoned_epoch.assign(shards.directory().TenantsOfShard(i).size(), 0);
  }
}

std::uint64_t& CommittedEventGate::PoisonedEpoch(ShardGate& gate, std::uint32_t tenant) {
  // A tenant a reload added has no entry yet.
  if (tenant >= gate.poisoned_epoch.size()) gate.poisoned_epoch.resize(tenant + 1, 0);
  return gate.poisoned_epoch[tenant];
}

void CommittedEventGate::OnRoutingEvents(std::span<routing::RoutingEvent> events) {
  if (events.empty()) return;
  const std::optional<std::uint32_t> shard = shard::RouterShard::CurrentIndex();
  if (!shard) return;  // only shard threads make routing events
  ShardGate& gate = gates_[*shard];
  shard::RouterShard& router_shard = shards_.shard(*shard);

  auto batch = std::make_shared<Batch>();
  batch->events.assign(std::make_move_iterator(events.begin()), std::make_move_iterator(events.end()));
  std::vector<std::vector<storage::SessionEvent>> writes;
  std::int64_t now_ms = 0;
  for (const routing::RoutingEvent& e : batch->events) {
    std::size_t p = 0;
    while (p < batch->parts.size() && batch->parts[p].tenant != e.tenant) ++p;
    if (p == batch->parts.size()) {
      batch->parts.push_back({e.tenant, router_shard.LeaseEpoch(e.tenant), false});
      writes.emplace_back();
    }
    AppendStorageEvent(e, clock_, now_ms, writes[p]);
  }
  for (std::size_t p = 0; p < batch->parts.size(); ++p) {
    TenantPart& part = batch->parts[p];
    if (part.epoch == 0 || PoisonedEpoch(gate, part.tenant) == part.epoch) {
      part.failed = true;  // not routed here (any more), or already gone wrong at this epoch
      continue;
    }
    if (writes[p].empty()) continue;
    ++batch->pending;
    const std::uint32_t s = *shard;
    Status accepted = storage_.AppendFencedSessionEvents(
        std::move(writes[p]), part.epoch,
        [this, s, batch, p](const Status& status) { Completed(s, batch, p, status); });
    if (!accepted.ok()) {
      --batch->pending;
      Fail(*shard, part, accepted);
    }
  }
  gate.fifo.push_back(std::move(batch));
  HandOn(*shard);
}

void CommittedEventGate::Completed(std::uint32_t shard, const std::shared_ptr<Batch>& batch, std::size_t part,
                                   const Status& status) {
  // Storage thread: back to the shard, which alone touches its FIFO.
  shards_.shard(shard).Post([this, shard, batch, part, status](routing::Router&) {
    if (!status.ok()) Fail(shard, batch->parts[part], status);
    --batch->pending;
    HandOn(shard);
  });
}

void CommittedEventGate::Fail(std::uint32_t shard, TenantPart& part, const Status& why) {
  part.failed = true;
  failed_writes_.fetch_add(1, std::memory_order_relaxed);
  ShardGate& gate = gates_[shard];
  std::uint64_t& poisoned = PoisonedEpoch(gate, part.tenant);
  if (poisoned == part.epoch) return;
  poisoned = part.epoch;
  const std::string& tenant_id = shards_.directory().TenantOfShard(shard, part.tenant).id;
  spdlog::warn("cluster: tenant {}: a journal write at epoch {} failed ({}): nothing more is pushed for it here "
               "until it is taken afresh from storage",
               tenant_id, part.epoch, why.message());
  if (reclaim_) reclaim_(tenant_id);
}

void CommittedEventGate::HandOn(std::uint32_t shard) {
  ShardGate& gate = gates_[shard];
  const shard::RoutingDirectory& directory = shards_.directory();
  while (!gate.fifo.empty() && gate.fifo.front()->pending == 0) {
    std::shared_ptr<Batch> batch = std::move(gate.fifo.front());
    gate.fifo.pop_front();
    for (TenantPart& part : batch->parts) {
      if (!part.failed && !ownership_.HeldAt(directory.TenantOfShard(shard, part.tenant).id, part.epoch)) part.failed = true;
    }
    std::vector<routing::RoutingEvent> out;
    out.reserve(batch->events.size());
    for (routing::RoutingEvent& e : batch->events) {
      const TenantPart* part = nullptr;
      for (const TenantPart& p : batch->parts) {
        if (p.tenant == e.tenant) part = &p;
      }
      if (part == nullptr || !part->failed) {
        out.push_back(std::move(e));
      } else if (e.type == routing::RoutingEventType::kCommandResult) {
        // The caller waits for an answer: the change did not happen here.
        e.result = StatusCode::kUnavailable;
        e.error = "the tenant moved to another instance: repeat the request there";
        out.push_back(std::move(e));
      } else {
        withheld_.fetch_add(1, std::memory_order_relaxed);
      }
    }
    if (!out.empty()) downstream_.OnRoutingEvents(out);
  }
}

}  // namespace routerd::daemon
