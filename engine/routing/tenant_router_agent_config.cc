// Agents changed, added or removed by a reloaded configuration file, applied
// to the running router (tenant_router.h: ApplyAgentConfig, AddAgent,
// RetireAgent).
#include <algorithm>
#include <cassert>

#include "engine/routing/tenant_router.h"

namespace routerd::routing {

bool TenantRouter::ReplaceMemberships(std::uint32_t agent,
                                      const std::vector<std::pair<std::uint32_t, std::uint32_t>>& lanes) {
  AgentSlot& a = agents_[agent];
  const bool same = std::equal(a.memberships.begin(), a.memberships.end(), lanes.begin(), lanes.end(),
                               [](const Membership& m, const std::pair<std::uint32_t, std::uint32_t>& l) {
                                 return m.queue == l.first && m.skill_level == l.second;
                               });
  if (same) return false;
  std::vector<Membership> next;
  next.reserve(lanes.size());
  for (const auto& [lane, level] : lanes) {
    QueueState& ls = *queues_[lane];
    // A lane it stays in keeps its member number; its round-robin turn in a
    // queue it stays in carries over, whichever lane served it.
    std::uint32_t member = kNone;
    std::uint64_t last_served = 0;
    for (const Membership& m : a.memberships) {
      if (m.queue == lane) member = m.member;
      if (m.base == ls.base) last_served = std::max(last_served, m.last_served_seq);
    }
    if (member == kNone) {
      member = ls.eligible.AddMember();
      assert(member == ls.member_agent.size());
      ls.member_agent.push_back(agent);
    }
    next.push_back({lane, member, last_served, ls.base, level});
  }
  // The lanes it leaves: it is no longer offered their sessions, and its
  // member number there is retired (a lane's members only grow, so that the
  // numbers other agents hold stay theirs).
  for (const Membership& m : a.memberships) {
    const bool stays = std::any_of(next.begin(), next.end(), [&](const Membership& n) { return n.queue == m.queue; });
    if (stays) continue;
    QueueState& ls = *queues_[m.queue];
    if (ls.eligible.contains(m.member)) ls.eligible.Erase(m.member);
    ls.member_agent[m.member] = kNone;
  }
  std::vector<Membership>& home = changed_memberships_[agent];
  home = std::move(next);
  a.memberships = std::span<Membership>(home);
  initial_agents_[agent].memberships = a.memberships;
  return true;
}

void TenantRouter::ReleaseReservationsOutsideLanes(std::uint32_t agent, std::int64_t now_ns) {
  const AgentSlot& a = agents_[agent];
  if (!a.has_reserved) return;
  // First in service order first (ReleaseReservations).
  std::vector<std::uint32_t> released;
  for (std::uint32_t slot : a.reserved) {
    const std::uint32_t lane = sessions_[slot].queue;
    const bool member =
        std::any_of(a.memberships.begin(), a.memberships.end(), [&](const Membership& m) { return m.queue == lane; });
    if (!member) released.push_back(slot);
  }
  ReleaseReservations(std::move(released), now_ns);
}

void TenantRouter::ApplyAgentConfig(std::uint32_t agent, const config::AgentConfig& cfg, std::int64_t now_ns) {
  AgentSlot& a = agents_[agent];
  assert(cfg.employee_id == a.employee_id);
  const std::uint32_t ou = IndexOf(ou_ids_, cfg.ou);
  assert(ou != kNone && "the caller checks that the OU is the tenant's");
  const bool lanes_changed = ReplaceMemberships(agent, LanesFor(cfg));
  const std::optional<std::uint32_t> own_before = a.own_cap;
  std::vector<std::uint8_t> kind_caps_before(agent_kind_caps_.begin() + std::size_t{agent} * kind_count_,
                                             agent_kind_caps_.begin() + std::size_t{agent + 1} * kind_count_);
  SetConfiguredAgentCaps(agent, cfg, /*kinds=*/true);
  const bool caps_changed =
      a.own_cap != own_before || !std::equal(kind_caps_before.begin(), kind_caps_before.end(),
                                             agent_kind_caps_.begin() + std::size_t{agent} * kind_count_);
  const bool changed =
      lanes_changed || caps_changed || a.type != cfg.type || a.ou != ou || agent_skills_[agent] != cfg.skills;
  if (!changed) return;
  // Reset() starts from the configuration in effect, this one now.
  InitialAgent& init = initial_agents_[agent];
  init.type = a.type = cfg.type;
  init.ou = a.ou = ou;
  agent_skills_[agent] = cfg.skills;
  const std::uint64_t full_before = FullMask(agent);
  ResolveCaps(agent);
  NoteFreedCapacity(agent, full_before, now_ns);
  Reindex(agent);
  if (lanes_changed) ReleaseReservationsOutsideLanes(agent, now_ns);
  EmitAgentState(agent);
  DispatchAgentQueues(agent, now_ns);
}

std::uint32_t TenantRouter::AddAgent(const config::AgentConfig& cfg, std::int64_t now_ns) {
  assert(!FindAgent(cfg.employee_id) && "one agent per employee id");
  // An agent that comes back gets its old index: tables by index elsewhere
  // (the gateway's, presence) kept its place.
  std::uint32_t agent = kNone;
  for (std::uint32_t i = 0; i < employee_ids_.size(); ++i) {
    if (employee_ids_[i] == cfg.employee_id) agent = i;
  }
  if (agent == kNone) {
    agent = static_cast<std::uint32_t>(agents_.size());
    employee_ids_.push_back(cfg.employee_id);
    agent_skills_.emplace_back();
    initial_agents_.emplace_back();
    agents_.emplace_back();
    agent_kind_caps_.resize(agent_kind_caps_.size() + kind_count_, 0);
    kind_loads_.resize(kind_loads_.size() + kind_count_);
  }
  InitialAgent& init = initial_agents_[agent];
  init = InitialAgent{};
  init.employee_id = employee_ids_[agent];
  init.type = cfg.type;
  init.ou = IndexOf(ou_ids_, cfg.ou);
  assert(init.ou != kNone && "the caller checks that the OU is the tenant's");
  if (cfg.max_concurrent_sessions) init.own_cap = static_cast<std::uint32_t>(*cfg.max_concurrent_sessions);
  init.own_cap_personal = init.own_cap && cfg.personal_cap;
  init.own_cap_runtime = cfg.runtime_cap;
  agent_skills_[agent] = cfg.skills;
  for (std::uint32_t k = 0; k < kind_count_; ++k) KindsOf(agent)[k] = KindLoad{};
  agents_[agent] = FreshAgent(init);
  SetConfiguredAgentCaps(agent, cfg, /*kinds=*/true);
  ReplaceMemberships(agent, LanesFor(cfg));
  ResolveCaps(agent);
  all_agents_.push_back(agent);
  agent_by_employee_.emplace(employee_ids_[agent], agent);
  (void)now_ns;  // signed out: nothing to dispatch
  return agent;
}

void TenantRouter::RetireAgent(std::uint32_t agent, std::int64_t now_ns) {
  AgentSlot& a = agents_[agent];
  if (a.retired) return;
  // A signed-out agent holds nothing and nobody waits for it.
  if (a.state != AgentState::kSignedOut) SignOut(agent, now_ns);
  ReplaceMemberships(agent, {});
  a.retired = initial_agents_[agent].retired = true;
  agent_by_employee_.erase(a.employee_id);
  all_agents_.erase(std::find(all_agents_.begin(), all_agents_.end(), agent));
}

}  // namespace routerd::routing
