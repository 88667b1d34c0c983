// LatencyHistogram: a log-linear (HdrHistogram-style) histogram of latencies
// in whole microseconds, with fixed memory and exact merging.
//
// Values below 256 us have their own bucket; above that, each power-of-two
// range [2^k, 2^(k+1)) is split into 128 equal buckets, so a recorded value is
// reported with a relative error below 1/128 (0.8 %). Values above kMaxValue
// (about 19 hours) land in the top bucket; the exact min, max and sum are kept
// aside. Percentiles report the highest value of the bucket holding the rank
// (as HdrHistogram does), clamped to the recorded maximum, so a percentile is
// never below the true value and never above the max.
//
// Thread safety: a plain value; distinct objects may be used from distinct
// threads, one object needs external synchronization.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace routerd::loadgen {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 8;
  static constexpr std::uint64_t kSubBucketCount = 1u << kSubBucketBits;  // 256
  static constexpr std::uint64_t kSubBucketHalf = kSubBucketCount / 2;    // 128
  static constexpr int kMaxShift = 28;                                    // top bucket width 2^28 us
  static constexpr std::uint64_t kMaxValue = (kSubBucketCount << kMaxShift) - 1;  // 2^36 - 1 us
  static constexpr std::size_t kBucketCount = (kMaxShift + 1) * kSubBucketHalf + kSubBucketHalf;

  // The bucket index of `value` (clamped to kMaxValue).
  static std::size_t IndexOf(std::uint64_t value);
  // The smallest and the largest value that share bucket `index`.
  static std::uint64_t LowestEquivalent(std::size_t index);
  static std::uint64_t HighestEquivalent(std::size_t index);

  void Record(std::uint64_t value_us) { RecordN(value_us, 1); }
  void RecordN(std::uint64_t value_us, std::uint64_t n);
  // Adds every value of `other` (exact: same bucket layout).
  void Merge(const LatencyHistogram& other);
  void Reset();

  std::uint64_t count() const { return count_; }
  std::uint64_t min() const { return count_ == 0 ? 0 : min_; }
  std::uint64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_); }

  // The value at `percentile` (0..100): the bucket of the ceil(p/100 * count)-th
  // smallest value (at least the first), as its highest equivalent value,
  // clamped to max(). 0 when empty. 100 gives max().
  std::uint64_t ValueAtPercentile(double percentile) const;

  struct Point {
    std::uint64_t value_us;   // highest equivalent value of the bucket (clamped to max)
    double percentile;        // share of values at or below it, 0..100
    std::uint64_t total;      // count of values at or below it
  };
  // One point per non-empty bucket, ascending: the cumulative distribution.
  std::vector<Point> Distribution() const;

  std::uint64_t CountAtIndex(std::size_t index) const { return counts_[index]; }

 private:
  std::array<std::uint64_t, kBucketCount> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t sum_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
};

}  // namespace routerd::loadgen
