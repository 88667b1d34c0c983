#include "engine/daemon/agent_presence.h"

namespace routerd::daemon {

AgentPresence::AgentPresence(const config::Config& config) {
  for (const auto& t : config.tenants) {
    Tenant& tenant = tenants_[t.id];
    for (const auto& a : t.agents) tenant.employee_ids.push_back(a.employee_id);
    tenant.signed_in = std::make_unique<std::atomic<bool>[]>(t.agents.size());
    tenant.active_sessions = std::make_unique<std::atomic<std::uint32_t>[]>(t.agents.size());
  }
}

const AgentPresence::Tenant* AgentPresence::Find(std::string_view tenant_id, std::string_view employee_id,
                                                 std::size_t& index) const {
  auto it = tenants_.find(tenant_id);
  if (it == tenants_.end()) return nullptr;
  const Tenant& t = it->second;
  for (std::size_t i = 0; i < t.employee_ids.size(); ++i) {
    if (t.employee_ids[i] == employee_id) {
      index = i;
      return &t;
    }
  }
  return nullptr;
}

bool AgentPresence::SignedIn(std::string_view tenant_id, std::string_view employee_id) const {
  std::size_t i = 0;
  const Tenant* t = Find(tenant_id, employee_id, i);
  return t != nullptr && t->signed_in[i].load(std::memory_order_acquire);
}

std::optional<leave::AgentActivity> AgentPresence::Activity(std::string_view tenant_id,
                                                            std::string_view employee_id) const {
  std::size_t i = 0;
  const Tenant* t = Find(tenant_id, employee_id, i);
  if (t == nullptr) return std::nullopt;
  return leave::AgentActivity{t->signed_in[i].load(std::memory_order_acquire),
                              t->active_sessions[i].load(std::memory_order_acquire)};
}

void AgentPresence::OnRoutingEvents(std::span<routing::RoutingEvent> events) {
  using Type = routing::RoutingEventType;
  for (const routing::RoutingEvent& e : events) {
    const bool load = e.type == Type::kAgentState || e.type == Type::kAssigned || e.type == Type::kSessionEnded ||
                      e.type == Type::kMessage;
    if (!load) continue;
    auto it = tenants_.find(e.tenant_id);
    if (it == tenants_.end() || e.agent >= it->second.employee_ids.size()) continue;
    // After-contact work counts as activity: an agent writing up a session is
    // not idle.
    it->second.active_sessions[e.agent].store(e.active_sessions + e.wrap_ups, std::memory_order_release);
    if (e.type != Type::kAgentState) continue;
    const bool now_in = e.agent_state != routing::AgentState::kSignedOut;
    const bool was_in = it->second.signed_in[e.agent].exchange(now_in, std::memory_order_acq_rel);
    if (now_in && !was_in && hook_) hook_(it->first, it->second.employee_ids[e.agent]);
  }
}

}  // namespace routerd::daemon
