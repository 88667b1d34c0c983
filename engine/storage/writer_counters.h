// WriterCounters: what a journal writer counts, the same for every backend,
// read lock-free by stats() from any thread.
//
// Thread safety: the Count* members from the writer thread; Snapshot from any.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "engine/storage/journal_model.h"
#include "engine/storage/storage_types.h"

namespace routerd::storage {

struct WriterCounters {
  // A batch was written (committed or failed). Count before completing its
  // records, so that whoever observes a completion also sees the counters.
  void CountBatch(std::size_t size, bool committed) {
    batches.fetch_add(1, std::memory_order_relaxed);
    (committed ? commits : failed_batches).fetch_add(1, std::memory_order_relaxed);
    last_batch.store(size, std::memory_order_relaxed);
    std::uint64_t cur = max_batch.load(std::memory_order_relaxed);
    while (cur < size && !max_batch.compare_exchange_weak(cur, size, std::memory_order_relaxed)) {
    }
    records.fetch_add(size, std::memory_order_relaxed);
  }
  void CountPrunePass(const PrunePass& pass) {
    prune_passes.fetch_add(1, std::memory_order_relaxed);
    pruned_contacts.fetch_add(pass.contacts, std::memory_order_relaxed);
    pruned_events.fetch_add(pass.session_events, std::memory_order_relaxed);
  }

  JournalStats Snapshot(std::uint64_t queue_depth, std::uint64_t refused) const {
    JournalStats s;
    s.batches = batches.load(std::memory_order_relaxed);
    s.records = records.load(std::memory_order_relaxed);
    s.commits = commits.load(std::memory_order_relaxed);
    s.failed_batches = failed_batches.load(std::memory_order_relaxed);
    s.last_batch_records = last_batch.load(std::memory_order_relaxed);
    s.max_batch_records = max_batch.load(std::memory_order_relaxed);
    s.queue_depth = queue_depth;
    s.refused = refused;
    s.prune_passes = prune_passes.load(std::memory_order_relaxed);
    s.pruned_contacts = pruned_contacts.load(std::memory_order_relaxed);
    s.pruned_session_events = pruned_events.load(std::memory_order_relaxed);
    s.reconnects = reconnects.load(std::memory_order_relaxed);
    return s;
  }

  std::atomic<std::uint64_t> batches{0}, records{0}, commits{0}, failed_batches{0}, last_batch{0}, max_batch{0},
      prune_passes{0}, pruned_contacts{0}, pruned_events{0}, reconnects{0};
};

}  // namespace routerd::storage
