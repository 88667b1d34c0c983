#include "engine/config/agent_changes.h"

#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace routerd::config {
namespace {

// The file's agent, with a cap set or cleared at run time kept: it wins over
// the file's, as at start-up (the router keeps it too).
AgentConfig FromFile(const AgentConfig& running, const AgentConfig& next) {
  AgentConfig agent = next;
  if (running.runtime_cap && !running.retired) {
    agent.runtime_cap = true;
    agent.personal_cap = running.personal_cap;
    agent.max_concurrent_sessions = running.max_concurrent_sessions;
  }
  return agent;
}

}  // namespace

AgentChanges MergeAgentChanges(const TenantConfig& running, const TenantConfig& file, bool structure_changed) {
  AgentChanges out;
  out.tenant = std::make_shared<TenantConfig>(running);
  if (structure_changed) return out;
  std::unordered_map<std::string_view, const AgentConfig*> in_file;
  for (const AgentConfig& a : file.agents) in_file.emplace(a.employee_id, &a);
  std::vector<AgentConfig>& agents = out.tenant->agents;
  std::unordered_set<std::string_view> known;
  for (std::uint32_t i = 0; i < agents.size(); ++i) {
    AgentConfig& agent = agents[i];
    known.insert(running.agents[i].employee_id);
    const auto it = in_file.find(agent.employee_id);
    if (it == in_file.end()) {
      if (!agent.retired) {
        agent.retired = true;
        out.retired.push_back(i);
      }
      continue;
    }
    const AgentConfig& next = *it->second;
    if (agent.retired) {
      agent = next;
      out.added.push_back(i);
      continue;
    }
    const bool routed = agent.ou != next.ou || agent.type != next.type || agent.skill_queues != next.skill_queues ||
                        agent.skills != next.skills;
    const bool described = agent.name != next.name || agent.business_account != next.business_account;
    agent = FromFile(agent, next);
    if (routed) out.routed.push_back(i);
    if (routed || described) ++out.changed;
  }
  for (const AgentConfig& next : file.agents) {
    if (known.contains(next.employee_id)) continue;
    out.added.push_back(static_cast<std::uint32_t>(agents.size()));
    agents.push_back(next);
  }
  out.changed += static_cast<std::uint32_t>(out.added.size() + out.retired.size());
  return out;
}

}  // namespace routerd::config
