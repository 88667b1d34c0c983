#include "engine/routing/queue_statistics.h"

#include <cmath>
#include <limits>

namespace routerd::routing {

void DurationHistogram::Record(std::int64_t ms) {
  if (ms < 0) ms = 0;
  std::size_t i = 0;
  while (i < kBoundsMs.size() && ms > kBoundsMs[i]) ++i;
  buckets_[i].Add();
  count_.Add();
  sum_ms_.Add(static_cast<std::uint64_t>(ms));
}

std::int64_t DurationHistogram::QuantileMs(double q) const {
  const std::uint64_t total = count();
  if (total == 0) return -1;
  const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += bucket(i);
    if (seen >= rank) return i < kBoundsMs.size() ? kBoundsMs[i] : std::numeric_limits<std::int64_t>::max();
  }
  return std::numeric_limits<std::int64_t>::max();
}

double QueueStatistics::ServiceLevelPercent() const {
  const std::uint64_t offered = answered.Get() + abandoned.Get();
  if (offered == 0) return -1;
  return 100.0 * static_cast<double>(answered_in_time.Get()) / static_cast<double>(offered);
}

}  // namespace routerd::routing
