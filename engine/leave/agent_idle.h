// When an agent counts as idle, so that it may process a leave message and
// have a call-back placed for it: signed in (ready or resting) and holding at
// most [tenants.dialer] idle_max_active_sessions active sessions (default 0:
// none). A busier or signed-out agent is refused with the reason, so the
// console can say why; a tenant administrator acting on an agent's behalf is
// not held to it (the history records that it acted for the agent).
//
// Thread safety: stateless.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "routerd/status.h"

namespace routerd::leave {

// What the router last reported of an agent.
struct AgentActivity {
  bool signed_in = false;
  std::uint32_t active_sessions = 0;
};

// (tenant id, employee id) -> the agent's activity; nullopt for an unknown agent.
using AgentActivityLookup =
    std::function<std::optional<AgentActivity>(const std::string& tenant_id, const std::string& employee_id)>;

// OK when idle; FailedPrecondition (REST 409) saying why not.
Status CheckAgentIdle(std::string_view employee_id, const std::optional<AgentActivity>& activity,
                      std::uint32_t idle_max_active_sessions);

// The history detail of an action a tenant administrator took for the
// agent a message is allocated to.
std::string OnBehalfDetail(std::string_view employee_id);

}  // namespace routerd::leave
