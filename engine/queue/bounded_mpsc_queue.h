// BoundedMpscQueue: many producer threads, one consumer thread, a hard bound.
//
// Wraps moodycamel::ConcurrentQueue (lock-free) and adds what it lacks: an exact
// capacity, so that a burst turns into a refusal (the webhook answers 503 and the
// provider retries) instead of unbounded memory, and all-or-nothing bulk pushes,
// so that one webhook's contacts are accepted together or not at all.
//
// Ordering: FIFO per producer token only. moodycamel is not linearizable across
// producers; items of different producers interleave in no promised order.
// Callers that need order (contacts of one customer) push them from one
// request, i.e. through one token.
//
// Cost: one atomic add on the shared size counter per push call (not per item)
// and one per PopBulk. Producers should push a request's items in one call and
// hold a ProducerToken per thread, which gives each producer its own sub-queue.
//
// Thread safety: TryPush*/MakeProducerToken from any thread; PopBulk from the
// single consumer thread only.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <cstdint>
#include <iterator>
#include <span>

#include <concurrentqueue/concurrentqueue.h>

namespace routerd::queue {

template <typename T>
class BoundedMpscQueue {
 public:
  class ProducerToken {
   public:
    explicit ProducerToken(BoundedMpscQueue& q) : token_(q.queue_) {}

   private:
    friend class BoundedMpscQueue;
    moodycamel::ProducerToken token_;
  };

  explicit BoundedMpscQueue(std::size_t capacity)
      : capacity_(static_cast<std::int64_t>(capacity)), queue_(capacity), consumer_token_(queue_) {}
  BoundedMpscQueue(const BoundedMpscQueue&) = delete;
  BoundedMpscQueue& operator=(const BoundedMpscQueue&) = delete;

  // Moves every item in, or none; false when the queue lacks room for all.
  bool TryPushBulk(ProducerToken& token, std::span<T> items) {
    if (!Reserve(items.size())) return false;
    if (!queue_.enqueue_bulk(token.token_, std::make_move_iterator(items.begin()), items.size())) {
      Release(items.size());
      return false;
    }
    return true;
  }

  bool TryPush(ProducerToken& token, T&& item) {
    if (!Reserve(1)) return false;
    if (!queue_.enqueue(token.token_, std::move(item))) {
      Release(1);
      return false;
    }
    return true;
  }

  // For threads that push too rarely to keep a token.
  bool TryPush(T&& item) {
    if (!Reserve(1)) return false;
    if (!queue_.enqueue(std::move(item))) {
      Release(1);
      return false;
    }
    return true;
  }

  // Two-step push, for producers that batch: reserve room now (the
  // all-or-nothing decision), push later without any further failure.
  bool TryReserve(std::size_t n) { return Reserve(n); }
  // Gives back room reserved with TryReserve and not pushed.
  void CancelReservation(std::size_t n) { Release(n); }
  // REQUIRES: room for items.size() was reserved with TryReserve.
  void PushReserved(ProducerToken& token, std::span<T> items) {
    if (!queue_.enqueue_bulk(token.token_, std::make_move_iterator(items.begin()), items.size())) {
      // Only an allocation failure can get here; the reservation promised room.
      std::abort();
    }
  }

  // Consumer only. Moves up to `max` items into `out`; returns how many.
  std::size_t PopBulk(T* out, std::size_t max) {
    std::size_t n = queue_.try_dequeue_bulk(consumer_token_, out, max);
    if (n > 0) Release(n);
    return n;
  }

  // Approximate under concurrency: pushes and pops may be in flight.
  std::size_t SizeApprox() const {
    std::int64_t n = size_.load(std::memory_order_relaxed);
    return n < 0 ? 0 : static_cast<std::size_t>(n);
  }
  std::size_t capacity() const { return static_cast<std::size_t>(capacity_); }

 private:
  bool Reserve(std::size_t n) {
    const auto add = static_cast<std::int64_t>(n);
    if (size_.fetch_add(add, std::memory_order_acq_rel) + add > capacity_) {
      size_.fetch_sub(add, std::memory_order_acq_rel);
      return false;
    }
    return true;
  }
  void Release(std::size_t n) { size_.fetch_sub(static_cast<std::int64_t>(n), std::memory_order_acq_rel); }

  const std::int64_t capacity_;
  alignas(64) std::atomic<std::int64_t> size_{0};
  moodycamel::ConcurrentQueue<T> queue_;
  moodycamel::ConsumerToken consumer_token_;
};

}  // namespace routerd::queue
