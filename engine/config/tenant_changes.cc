#include "engine/config/tenant_changes.h"

#include "engine/config/config_diff.h"

namespace routerd::config {

TenantChanges MergeTenantChanges(const TenantConfig& running, const TenantConfig& file, bool structure_changed) {
  TenantChanges out;
  out.queues = MergeQueueChanges(running, file, structure_changed);
  out.ous = MergeOuChanges(*out.queues.tenant, file, structure_changed);
  out.agents = MergeAgentChanges(*out.ous.tenant, file, structure_changed);
  CopyLiveQueueKeys(*out.agents.tenant, file);
  // Channels into the queues in effect, those the file adds included.
  out.channels = MergeChannelChanges(*out.agents.tenant, file, structure_changed);
  return out;
}

TenantConfig WithoutRetired(const TenantConfig& tenant) {
  TenantConfig out = tenant;
  std::erase_if(out.skill_queues, [](const SkillQueueConfig& q) { return q.retired; });
  std::erase_if(out.channels, [](const ChannelConfig& c) { return c.retired; });
  std::erase_if(out.ous, [](const OuConfig& o) { return o.retired; });
  std::erase_if(out.agents, [](const AgentConfig& a) { return a.retired; });
  return out;
}

}  // namespace routerd::config
