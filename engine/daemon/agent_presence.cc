#include "engine/daemon/agent_presence.h"

namespace routerd::daemon {

AgentPresence::AgentPresence(const config::Config& config) {
  for (const auto& t : config.tenants) {
    Tenant& tenant = tenants_[t.id];
    for (const auto& a : t.agents) tenant.employee_ids.push_back(a.employee_id);
    tenant.signed_in = std::make_unique<std::atomic<bool>[]>(t.agents.size());
  }
}

bool AgentPresence::SignedIn(std::string_view tenant_id, std::string_view employee_id) const {
  auto it = tenants_.find(tenant_id);
  if (it == tenants_.end()) return false;
  const Tenant& t = it->second;
  for (std::size_t i = 0; i < t.employee_ids.size(); ++i) {
    if (t.employee_ids[i] == employee_id) return t.signed_in[i].load(std::memory_order_acquire);
  }
  return false;
}

void AgentPresence::OnRoutingEvents(std::span<routing::RoutingEvent> events) {
  for (const routing::RoutingEvent& e : events) {
    if (e.type != routing::RoutingEventType::kAgentState) continue;
    auto it = tenants_.find(e.tenant_id);
    if (it == tenants_.end() || e.agent >= it->second.employee_ids.size()) continue;
    const bool now_in = e.agent_state != routing::AgentState::kSignedOut;
    const bool was_in = it->second.signed_in[e.agent].exchange(now_in, std::memory_order_acq_rel);
    if (now_in && !was_in && hook_) hook_(it->first, it->second.employee_ids[e.agent]);
  }
}

}  // namespace routerd::daemon
