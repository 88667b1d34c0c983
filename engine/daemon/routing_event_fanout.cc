#include "engine/daemon/routing_event_fanout.h"

namespace routerd::daemon {

void LeaveMessageForwarder::OnRoutingEvents(std::span<routing::RoutingEvent> events) {
  std::vector<leave::LeaveMessage> leave;
  for (const routing::RoutingEvent& e : events) {
    if (e.type == routing::RoutingEventType::kLeaveMessage) {
      leave.push_back(leave::LeaveMessageFromEvent(e, clock_.WallMs()));
    }
  }
  if (!leave.empty()) sink_.Submit(std::move(leave));
}

}  // namespace routerd::daemon
