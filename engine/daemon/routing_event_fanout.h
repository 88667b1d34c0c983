// RoutingEventFanout: the one RoutingEventSink the shards see; hands each batch
// to the daemon's consumers (the session journal, the leave-message sink,
// metrics, the agent gateway, ...) in the order they were added. Order
// matters: the journal must store a session before the leave message that
// ends it.
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
  // Consumers that see every event, in the order added. Before Start only.
  void Add(routing::RoutingEventSink* sink) { sinks_.push_back(sink); }

  void OnRoutingEvents(std::span<routing::RoutingEvent> events) override {
    for (routing::RoutingEventSink* sink : sinks_) sink->OnRoutingEvents(events);
  }

 private:
  std::vector<routing::RoutingEventSink*> sinks_;
};

// Turns kLeaveMessage events into one LeaveMessage batch for the sink.
class LeaveMessageForwarder final : public routing::RoutingEventSink {
 public:
  // Both must outlive the forwarder.
  LeaveMessageForwarder(const Clock& clock, leave::LeaveMessageSink& sink) : clock_(clock), sink_(sink) {}

  void OnRoutingEvents(std::span<routing::RoutingEvent> events) override;

 private:
  const Clock& clock_;
  leave::LeaveMessageSink& sink_;
};

}  // namespace routerd::daemon
