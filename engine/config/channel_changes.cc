#include "engine/config/channel_changes.h"

#include <algorithm>

namespace routerd::config {

bool IsLiveChannelKey(std::string_view key) {
  return key == "skill_queue" || key == "priority" || key == "required_skills";
}

std::uint32_t CopyChannelRouting(TenantConfig& running, const TenantConfig& file) {
  std::uint32_t changed = 0;
  for (ChannelConfig& channel : running.channels) {
    const auto next = std::find_if(file.channels.begin(), file.channels.end(),
                                   [&](const ChannelConfig& c) { return c.id == channel.id; });
    if (next == file.channels.end()) continue;  // removed: at the restart
    const bool runs = std::any_of(running.skill_queues.begin(), running.skill_queues.end(),
                                  [&](const SkillQueueConfig& q) { return q.id == next->skill_queue && !q.retired; });
    if (!runs) continue;
    if (channel.skill_queue == next->skill_queue && channel.priority == next->priority &&
        channel.required_skills == next->required_skills) {
      continue;
    }
    channel.skill_queue = next->skill_queue;
    channel.priority = next->priority;
    channel.required_skills = next->required_skills;
    ++changed;
  }
  return changed;
}

}  // namespace routerd::config
