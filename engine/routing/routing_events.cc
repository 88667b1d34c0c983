#include "engine/routing/routing_events.h"

namespace routerd::routing {

std::string_view EndReasonName(EndReason r) {
  switch (r) {
    case EndReason::kClosed: return "closed";
    case EndReason::kIdleTimeout: return "idle_timeout";
    case EndReason::kRequeued: return "requeued";
    case EndReason::kTransferred: return "transferred";
  }
  return "unknown";
}

std::string_view LeaveReasonName(LeaveReason r) {
  switch (r) {
    case LeaveReason::kQueueFull: return "queue_full";
    case LeaveReason::kMaxWait: return "max_wait";
    case LeaveReason::kIdleTimeout: return "idle_timeout";
  }
  return "unknown";
}

std::string_view AgentStateName(AgentState s) {
  switch (s) {
    case AgentState::kSignedOut: return "signed_out";
    case AgentState::kNotReady: return "not_ready";
    case AgentState::kReady: return "ready";
  }
  return "unknown";
}

std::string_view CapOriginName(CapOrigin o) {
  switch (o) {
    case CapOrigin::kAgent: return "agent";
    case CapOrigin::kPersonal: return "personal";
    case CapOrigin::kOu: return "ou";
    case CapOrigin::kTenant: return "tenant";
  }
  return "unknown";
}

}  // namespace routerd::routing
