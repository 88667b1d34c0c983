#include "engine/leave/agent_idle.h"

namespace routerd::leave {

Status CheckAgentIdle(std::string_view employee_id, const std::optional<AgentActivity>& activity,
                      std::uint32_t idle_max_active_sessions) {
  const std::string who = "agent " + std::string(employee_id);
  if (!activity) return Status::FailedPrecondition(who + " is not an agent of this tenant");
  if (!activity->signed_in) {
    return Status::FailedPrecondition(who + " is not idle: it is signed out (sign in first)");
  }
  if (activity->active_sessions > idle_max_active_sessions) {
    return Status::FailedPrecondition(who + " is not idle: it has " + std::to_string(activity->active_sessions) +
                                      " active session" + (activity->active_sessions == 1 ? "" : "s") +
                                      " (idle means at most " + std::to_string(idle_max_active_sessions) + ")");
  }
  return Status::Ok();
}

std::string OnBehalfDetail(std::string_view employee_id) {
  return "on behalf of employee " + std::string(employee_id);
}

}  // namespace routerd::leave
