#include "engine/metrics/routing_metrics.h"

namespace routerd::metrics {

void RoutingMetrics::OnRoutingEvents(std::span<routing::RoutingEvent> events) {
  // Sum locally and publish once per batch: one atomic add per counter that
  // moved, not one per event.
  std::uint64_t assigned = 0, messages = 0, errors = 0;
  std::array<std::uint64_t, 4> ended{};
  std::array<std::uint64_t, 3> leave{};
  for (const routing::RoutingEvent& e : events) {
    switch (e.type) {
      case routing::RoutingEventType::kAssigned: assigned += e.strategy != "restored"; break;
      case routing::RoutingEventType::kMessage: ++messages; break;
      case routing::RoutingEventType::kSessionEnded: ++ended[static_cast<std::size_t>(e.end_reason)]; break;
      case routing::RoutingEventType::kLeaveMessage: ++leave[static_cast<std::size_t>(e.leave_reason)]; break;
      case routing::RoutingEventType::kCommandResult: errors += e.result != StatusCode::kOk; break;
      case routing::RoutingEventType::kAgentState:
      case routing::RoutingEventType::kSessionOpened:
      case routing::RoutingEventType::kSessionQueued:
      case routing::RoutingEventType::kMessageQueued: break;
    }
  }
  if (assigned) assigned_.fetch_add(assigned, std::memory_order_relaxed);
  if (messages) messages_.fetch_add(messages, std::memory_order_relaxed);
  if (errors) command_errors_.fetch_add(errors, std::memory_order_relaxed);
  for (std::size_t i = 0; i < ended.size(); ++i) {
    if (ended[i]) ended_[i].fetch_add(ended[i], std::memory_order_relaxed);
  }
  for (std::size_t i = 0; i < leave.size(); ++i) {
    if (leave[i]) leave_[i].fetch_add(leave[i], std::memory_order_relaxed);
  }
}

}  // namespace routerd::metrics
