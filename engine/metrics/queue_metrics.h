// /metrics families of the skill queues' statistics, labelled by tenant and
// queue id (a bounded set: the configuration's): answered, answered within
// the service level, abandoned, overflowed and transferred sessions, and the
// wait and handle time histograms.
//
// Thread safety: reads the statistics' atomics; any thread.
#pragma once

#include <span>
#include <string_view>

#include "engine/metrics/prometheus_writer.h"
#include "engine/routing/queue_statistics.h"

namespace routerd::metrics {

struct QueueStatisticsRef {
  std::string_view tenant;
  std::string_view queue;
  const routing::QueueStatistics* statistics;
};

void RenderQueueStatistics(PrometheusWriter& out, std::span<const QueueStatisticsRef> queues);

}  // namespace routerd::metrics
