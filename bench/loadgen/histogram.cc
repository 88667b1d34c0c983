#include "bench/loadgen/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace routerd::loadgen {

std::size_t LatencyHistogram::IndexOf(std::uint64_t value) {
  value = std::min(value, kMaxValue);
  if (value < kSubBucketCount) return static_cast<std::size_t>(value);
  // The top bit of `value` is bit `msb` (>= kSubBucketBits); shifting by
  // msb - 7 leaves a sub-bucket in [128, 256).
  const int msb = 63 - std::countl_zero(value);
  const int shift = msb - (kSubBucketBits - 1);
  return static_cast<std::size_t>(shift) * kSubBucketHalf + static_cast<std::size_t>(value >> shift);
}

std::uint64_t LatencyHistogram::LowestEquivalent(std::size_t index) {
  if (index < kSubBucketCount) return index;
  const std::size_t shift = index / kSubBucketHalf - 1;
  const std::uint64_t sub = index - shift * kSubBucketHalf;
  return sub << shift;
}

std::uint64_t LatencyHistogram::HighestEquivalent(std::size_t index) {
  if (index < kSubBucketCount) return index;
  const std::size_t shift = index / kSubBucketHalf - 1;
  return LowestEquivalent(index) + (std::uint64_t{1} << shift) - 1;
}

void LatencyHistogram::RecordN(std::uint64_t value_us, std::uint64_t n) {
  if (n == 0) return;
  counts_[IndexOf(value_us)] += n;
  count_ += n;
  sum_ += value_us * n;
  min_ = std::min(min_, value_us);
  max_ = std::max(max_, value_us);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void LatencyHistogram::Reset() { *this = LatencyHistogram(); }

std::uint64_t LatencyHistogram::ValueAtPercentile(double percentile) const {
  if (count_ == 0) return 0;
  percentile = std::clamp(percentile, 0.0, 100.0);
  if (percentile >= 100.0) return max_;
  auto rank = static_cast<std::uint64_t>(std::ceil(percentile / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(HighestEquivalent(i), max_);
  }
  return max_;
}

std::vector<LatencyHistogram::Point> LatencyHistogram::Distribution() const {
  std::vector<Point> out;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBucketCount && seen < count_; ++i) {
    if (counts_[i] == 0) continue;
    seen += counts_[i];
    out.push_back({std::min(HighestEquivalent(i), max_),
                   100.0 * static_cast<double>(seen) / static_cast<double>(count_), seen});
  }
  return out;
}

}  // namespace routerd::loadgen
