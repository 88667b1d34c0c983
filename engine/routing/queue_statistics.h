// QueueStatistics: what a skill queue has done since the daemon started:
// sessions answered (and within the service-level threshold), abandoned,
// overflowed and transferred, with wait and handle time histograms.
//
// The router shard that owns the queue is its only writer, so a counter is
// bumped with a relaxed load and store (no locked instruction on the hot
// path); any thread may read it (/metrics renders from the HTTP threads).
// Totals read while the shard writes may be one event apart from each other.
//
// Thread safety: one writer thread; readers anywhere.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <span>

namespace routerd::routing {

// A counter with a single writer.
class StatCounter {
 public:
  void Add(std::uint64_t n = 1) { v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
  std::uint64_t Get() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> v_{0};
};

// Durations in milliseconds in fixed buckets (Prometheus-style cumulative on
// output): enough for percentiles to the bucket's bound.
class DurationHistogram {
 public:
  // Upper bounds in ms; the last bucket is +Inf.
  static constexpr std::array<std::int64_t, 12> kBoundsMs = {1000,   5000,   10000,  20000,   30000,   60000,
                                                              120000, 300000, 600000, 1200000, 1800000, 3600000};
  static constexpr std::size_t kBuckets = kBoundsMs.size() + 1;

  void Record(std::int64_t ms);
  std::uint64_t count() const { return count_.Get(); }
  std::uint64_t sum_ms() const { return sum_ms_.Get(); }
  std::uint64_t bucket(std::size_t i) const { return buckets_[i].Get(); }
  // The bound of the bucket holding the q-quantile (0 < q <= 1), in ms; -1
  // when nothing was recorded, INT64_MAX when it is beyond the last bound.
  std::int64_t QuantileMs(double q) const;

 private:
  std::array<StatCounter, kBuckets> buckets_;
  StatCounter count_;
  StatCounter sum_ms_;
};

struct QueueStatistics {
  // Answered within this counts toward the service level; a reload may change it.
  std::atomic<std::int64_t> service_level_ms{20000};
  StatCounter answered;            // assigned to an agent by this queue (transfers to an agent excluded)
  StatCounter answered_in_time;    // ... within service_level_ms of entering the queue
  StatCounter abandoned;           // the customer went silent before any agent took it (idle timeout)
  StatCounter overflowed;          // left by max_wait or max_waiting, to another queue or as a leave message
  StatCounter transferred;         // handed on by its agent to another queue or agent
  DurationHistogram wait;          // answered: time in this queue
  DurationHistogram handle;        // closed or timed out idle: from assignment to end

  // answered_in_time / (answered + abandoned), in percent; -1 with neither.
  double ServiceLevelPercent() const;
};

}  // namespace routerd::routing
