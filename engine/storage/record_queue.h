// RecordQueue: the bounded FIFO in front of a journal writer thread, the same
// for every backend's writer (sqlite/journal_writer.h, postgresql/pg_writer.h).
//
// Producers on any thread push records; the writer thread takes them in
// batches. Push never waits for the writer: it is admitted or refused at once
// with ResourceExhausted (full; webhook contacts, "ingress", are refused from
// ingress_capacity so that what the router makes of contacts already accepted
// still finds room) or Unavailable (stopping, or ingress closed while storage
// is unreachable). A push wakes the writer only when the queue was empty: the
// writer sleeps only on an empty queue, so a burst costs one wake-up.
//
// One FIFO under one mutex, not one per producer: if pushing A happens before
// pushing B, A is taken before B, which recovery's ordering relies on.
//
// The writer keeps the rest of its shared state under mutex() too and waits
// on cv(), so that one lock orders everything.
//
// Thread safety: Push, PushAll, CloseIngress, OpenIngress, refused, depth
// from any thread; the REQUIRES-lock members with mutex() held.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <iterator>
#include <mutex>
#include <string>
#include <vector>

#include "routerd/status.h"

namespace routerd::storage {

template <typename RecordPtr>
class RecordQueue {
 public:
  // `ingress_capacity` 0: three quarters of `capacity`.
  RecordQueue(std::size_t capacity, std::size_t ingress_capacity)
      : capacity_(capacity),
        ingress_capacity_(ingress_capacity > 0 ? std::min(ingress_capacity, capacity) : capacity * 3 / 4) {
    items_.reserve(std::min<std::size_t>(capacity_, 4096));
  }

  // All or none, in order. `ingress`: webhook contacts among them.
  Status Push(RecordPtr record, bool ingress) {
    bool wake;
    {
      std::lock_guard lock(mu_);
      ROUTERD_RETURN_IF_ERROR(Admit(1, ingress));
      wake = items_.empty();
      items_.push_back(std::move(record));
      depth_.store(items_.size(), std::memory_order_relaxed);
    }
    if (wake) cv_.notify_one();
    return Status::Ok();
  }
  Status PushAll(std::vector<RecordPtr> records, bool ingress) {
    if (records.empty()) return Status::Ok();
    bool wake;
    {
      std::lock_guard lock(mu_);
      ROUTERD_RETURN_IF_ERROR(Admit(records.size(), ingress));
      wake = items_.empty();
      std::move(records.begin(), records.end(), std::back_inserter(items_));
      depth_.store(items_.size(), std::memory_order_relaxed);
    }
    if (wake) cv_.notify_one();
    return Status::Ok();
  }
  // An internal record (a flush barrier): admitted up to the full capacity,
  // even while ingress is closed.
  Status PushInternal(RecordPtr record) {
    {
      std::lock_guard lock(mu_);
      ROUTERD_RETURN_IF_ERROR(Admit(1, false));
      items_.push_back(std::move(record));
      depth_.store(items_.size(), std::memory_order_relaxed);
    }
    cv_.notify_one();
    return Status::Ok();
  }

  // Refuses ingress with Unavailable("<why>") until OpenIngress().
  void CloseIngress(std::string why) {
    std::lock_guard lock(mu_);
    ingress_closed_ = std::move(why);
  }
  void OpenIngress() {
    std::lock_guard lock(mu_);
    ingress_closed_.clear();
  }

  // Refuses everything from now on (the writer drains what is queued).
  void Stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
  }

  std::mutex& mutex() const { return mu_; }
  std::condition_variable& cv() { return cv_; }
  // REQUIRES: mutex() held.
  bool stopping() const { return stopping_; }
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  // Moves up to `max` records, oldest first, to the end of `batch`.
  void Take(std::vector<RecordPtr>& batch, std::size_t max) {
    if (items_.size() <= max && batch.empty()) {
      batch.swap(items_);
    } else {
      const std::size_t n = std::min(max, items_.size());
      auto end = items_.begin() + static_cast<std::ptrdiff_t>(n);
      std::move(items_.begin(), end, std::back_inserter(batch));
      items_.erase(items_.begin(), end);
    }
    depth_.store(items_.size(), std::memory_order_relaxed);
  }

  std::uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }
  std::uint64_t depth() const { return depth_.load(std::memory_order_relaxed); }

 private:
  // REQUIRES: mu_ held.
  Status Admit(std::size_t n, bool ingress) {
    if (stopping_) return Status::Unavailable("journal writer is stopping");
    if (ingress && !ingress_closed_.empty()) {
      refused_.fetch_add(1, std::memory_order_relaxed);
      return Status::Unavailable(ingress_closed_);
    }
    const std::size_t limit = ingress ? ingress_capacity_ : capacity_;
    if (items_.size() + n > limit) {
      refused_.fetch_add(1, std::memory_order_relaxed);
      return Status::ResourceExhausted("journal queue full (" + std::to_string(items_.size()) + " of " +
                                       std::to_string(limit) + " records queued)");
    }
    return Status::Ok();
  }

  const std::size_t capacity_;
  const std::size_t ingress_capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<RecordPtr> items_;  // guarded by mu_
  bool stopping_ = false;         // guarded by mu_
  std::string ingress_closed_;    // guarded by mu_; empty: open
  std::atomic<std::uint64_t> refused_{0}, depth_{0};
};

}  // namespace routerd::storage
