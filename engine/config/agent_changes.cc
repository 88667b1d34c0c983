#include "engine/config/agent_changes.h"

#include <string_view>

#include "engine/config/merge_by_id.h"

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
  MergedPositions positions = MergeById(
      out.tenant->agents, file.agents, [](const AgentConfig& a) -> std::string_view { return a.employee_id; },
      [&out](AgentConfig& agent, const AgentConfig& next, std::uint32_t i) {
        const bool routed = agent.ou != next.ou || agent.type != next.type ||
                            agent.skill_queues != next.skill_queues || agent.skills != next.skills;
        const bool described = agent.name != next.name || agent.business_account != next.business_account;
        agent = FromFile(agent, next);
        if (routed) out.routed.push_back(i);
        if (routed || described) ++out.changed;
      });
  out.added = std::move(positions.added);
  out.retired = std::move(positions.retired);
  out.changed += static_cast<std::uint32_t>(out.added.size() + out.retired.size());
  return out;
}

}  // namespace routerd::config
