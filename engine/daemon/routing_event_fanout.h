// RoutingEventFanout: the one RoutingEventSink the shards see; hands each batch
// to the daemon's consumers (metrics, the leave-message sink, later the agent
// gateway) in a fixed order.
//
// Thread safety: called on several shard threads at once; every consumer must
// accept that.
#pragma once

#include <vector>

#include "engine/leave/leave_message_sink.h"
#include "engine/routing/routing_events.h"
#include "routerd/clock.h"

namespace routerd::daemon {

class RoutingEventFanout final : public routing::RoutingEventSink {
 public:
  RoutingEventFanout(const Clock& clock, leave::LeaveMessageSink& leave_messages)
      : clock_(clock), leave_messages_(leave_messages) {}

  // Consumers that see every event, in the order added. Before Start only.
  void Add(routing::RoutingEventSink* sink) { sinks_.push_back(sink); }

  void OnRoutingEvents(std::span<routing::RoutingEvent> events) override;

 private:
  const Clock& clock_;
  leave::LeaveMessageSink& leave_messages_;
  std::vector<routing::RoutingEventSink*> sinks_;
};

}  // namespace routerd::daemon
