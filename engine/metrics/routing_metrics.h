// RoutingMetrics: counts what the router shards decide, for /metrics and the
// shutdown summary. A RoutingEventSink; it never logs per event.
//
// Thread safety: OnRoutingEvents runs on several shard threads at once; the
// counters are relaxed atomics, read by anyone.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "engine/routing/routing_events.h"

namespace routerd::metrics {

class RoutingMetrics final : public routing::RoutingEventSink {
 public:
  void OnRoutingEvents(std::span<routing::RoutingEvent> events) override;

  std::uint64_t assigned() const { return assigned_.load(std::memory_order_relaxed); }
  std::uint64_t messages_to_agents() const { return messages_.load(std::memory_order_relaxed); }
  std::uint64_t ended(routing::EndReason r) const {
    return ended_[static_cast<std::size_t>(r)].load(std::memory_order_relaxed);
  }
  std::uint64_t leave_messages(routing::LeaveReason r) const {
    return leave_[static_cast<std::size_t>(r)].load(std::memory_order_relaxed);
  }
  std::uint64_t command_errors() const { return command_errors_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> assigned_{0};
  std::atomic<std::uint64_t> messages_{0};
  std::array<std::atomic<std::uint64_t>, 4> ended_{};
  std::array<std::atomic<std::uint64_t>, 3> leave_{};
  std::atomic<std::uint64_t> command_errors_{0};
};

}  // namespace routerd::metrics
