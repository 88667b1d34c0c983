#include "engine/daemon/agent_presence.h"

namespace routerd::daemon {

AgentPresence::AgentPresence(const config::Config& config) {
  // Every start-up tenant in one published version of the index.
  for (const auto& t : config.tenants) StageAgents(t);
  tenants_.Publish();
}

void AgentPresence::AddAgents(const config::TenantConfig& tenant) {
  StageAgents(tenant);
  tenants_.Publish();
}

void AgentPresence::StageAgents(const config::TenantConfig& tenant) {
  Tenant* known = tenants_.Find(tenant.id);
  if (known == nullptr) known = &tenants_.Add(tenant.id, tenant.id);
  base::AppendOnlyArray<Agent>& agents = known->agents;
  for (std::size_t i = agents.size(); i < tenant.agents.size(); ++i) {
    agents.Append([&](Agent& a) { a.employee_id = tenant.agents[i].employee_id; });
  }
}

const AgentPresence::Agent* AgentPresence::Find(std::string_view tenant_id, std::string_view employee_id) const {
  const Tenant* tenant = tenants_.Find(tenant_id);
  if (tenant == nullptr) return nullptr;
  const base::AppendOnlyArray<Agent>& agents = tenant->agents;
  for (std::size_t i = 0, n = agents.size(); i < n; ++i) {
    if (agents[i].employee_id == employee_id) return &agents[i];
  }
  return nullptr;
}

bool AgentPresence::SignedIn(std::string_view tenant_id, std::string_view employee_id) const {
  const Agent* a = Find(tenant_id, employee_id);
  return a != nullptr && a->signed_in.load(std::memory_order_acquire);
}

std::optional<leave::AgentActivity> AgentPresence::Activity(std::string_view tenant_id,
                                                            std::string_view employee_id) const {
  const Agent* a = Find(tenant_id, employee_id);
  if (a == nullptr) return std::nullopt;
  return leave::AgentActivity{a->signed_in.load(std::memory_order_acquire),
                              a->active_sessions.load(std::memory_order_acquire)};
}

void AgentPresence::OnRoutingEvents(std::span<routing::RoutingEvent> events) {
  using Type = routing::RoutingEventType;
  for (const routing::RoutingEvent& e : events) {
    const bool load = e.type == Type::kAgentState || e.type == Type::kAssigned || e.type == Type::kSessionEnded ||
                      e.type == Type::kMessage;
    if (!load) continue;
    const Tenant* tenant = tenants_.Find(e.tenant_id);
    if (tenant == nullptr || e.agent >= tenant->agents.size()) continue;
    Agent& a = tenant->agents[e.agent];
    // After-contact work counts as activity: an agent writing up a session is
    // not idle.
    a.active_sessions.store(e.active_sessions + e.wrap_ups, std::memory_order_release);
    if (e.type != Type::kAgentState) continue;
    const bool now_in = e.agent_state != routing::AgentState::kSignedOut;
    const bool was_in = a.signed_in.exchange(now_in, std::memory_order_acq_rel);
    if (now_in && !was_in && hook_) hook_(tenant->id, a.employee_id);
  }
}

}  // namespace routerd::daemon
