#include "engine/daemon/routing_event_fanout.h"

namespace routerd::daemon {

void RoutingEventFanout::OnRoutingEvents(std::span<routing::RoutingEvent> events) {
  std::vector<leave::LeaveMessage> leave;
  for (const routing::RoutingEvent& e : events) {
    if (e.type == routing::RoutingEventType::kLeaveMessage) {
      leave.push_back(leave::LeaveMessageFromEvent(e, clock_.WallMs()));
    }
  }
  if (!leave.empty()) leave_messages_.Submit(std::move(leave));
  for (routing::RoutingEventSink* sink : sinks_) sink->OnRoutingEvents(events);
}

}  // namespace routerd::daemon
