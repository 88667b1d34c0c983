#include "engine/metrics/queue_metrics.h"

#include <array>
#include <string>

namespace routerd::metrics {
namespace {

using routing::DurationHistogram;
using routing::QueueStatistics;
using routing::StatCounter;

void Counter(PrometheusWriter& out, std::span<const QueueStatisticsRef> queues, std::string_view name,
             std::string_view help, const StatCounter QueueStatistics::*counter) {
  out.Family(name, "counter", help);
  for (const QueueStatisticsRef& q : queues) {
    out.Sample(name, {{"tenant", q.tenant}, {"queue", q.queue}}, (q.statistics->*counter).Get());
  }
}

// Cumulative buckets in seconds, as Prometheus histograms are.
void Histogram(PrometheusWriter& out, std::span<const QueueStatisticsRef> queues, std::string_view name,
               std::string_view help, const DurationHistogram QueueStatistics::*histogram) {
  static const std::array<std::string, DurationHistogram::kBuckets> kLe = [] {
    std::array<std::string, DurationHistogram::kBuckets> le;
    for (std::size_t i = 0; i < DurationHistogram::kBoundsMs.size(); ++i) {
      le[i] = std::to_string(DurationHistogram::kBoundsMs[i] / 1000);
    }
    le.back() = "+Inf";
    return le;
  }();
  const std::string bucket = std::string(name) + "_bucket";
  const std::string sum = std::string(name) + "_sum";
  const std::string count = std::string(name) + "_count";
  out.Family(name, "histogram", help);
  for (const QueueStatisticsRef& q : queues) {
    const DurationHistogram& h = q.statistics->*histogram;
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < DurationHistogram::kBuckets; ++i) {
      cumulative += h.bucket(i);
      out.Sample(bucket, {{"tenant", q.tenant}, {"queue", q.queue}, {"le", kLe[i]}}, cumulative);
    }
    out.Sample(sum, {{"tenant", q.tenant}, {"queue", q.queue}}, static_cast<double>(h.sum_ms()) / 1000.0);
    out.Sample(count, {{"tenant", q.tenant}, {"queue", q.queue}}, h.count());
  }
}

}  // namespace

void RenderQueueStatistics(PrometheusWriter& out, std::span<const QueueStatisticsRef> queues) {
  Counter(out, queues, "routerd_queue_answered_total", "Sessions a skill queue gave to an agent.",
          &QueueStatistics::answered);
  Counter(out, queues, "routerd_queue_answered_in_service_level_total",
          "Sessions answered within the queue's service_level_seconds of entering it.",
          &QueueStatistics::answered_in_time);
  Counter(out, queues, "routerd_queue_abandoned_total",
          "Sessions whose customer went silent before any agent took them.", &QueueStatistics::abandoned);
  Counter(out, queues, "routerd_queue_overflowed_total", "Sessions that left the queue by max_wait or max_waiting.",
          &QueueStatistics::overflowed);
  Counter(out, queues, "routerd_queue_transferred_total", "Sessions their agent transferred on.",
          &QueueStatistics::transferred);
  Histogram(out, queues, "routerd_queue_wait_seconds", "Time answered sessions spent in the queue.",
            &QueueStatistics::wait);
  Histogram(out, queues, "routerd_queue_handle_seconds", "Time from assignment to the end of closed sessions.",
            &QueueStatistics::handle);
}

}  // namespace routerd::metrics
