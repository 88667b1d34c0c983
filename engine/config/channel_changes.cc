#include "engine/config/channel_changes.h"

#include <algorithm>

#include "engine/config/merge_by_id.h"

namespace routerd::config {
namespace {

bool Runs(const TenantConfig& tenant, const std::string& queue) {
  return std::any_of(tenant.skill_queues.begin(), tenant.skill_queues.end(),
                     [&](const SkillQueueConfig& q) { return q.id == queue && !q.retired; });
}

}  // namespace

bool IsLiveChannelKey(std::string_view key) {
  return key == "skill_queue" || key == "priority" || key == "required_skills";
}

ChannelChanges MergeChannelChanges(TenantConfig& running, const TenantConfig& file, bool structure_changed) {
  ChannelChanges out;
  if (structure_changed) return out;
  std::vector<std::string> kinds;
  if (running.multimedia_access_mode == AccessMode::kPerChannelKind) {
    for (const ChannelConfig& c : running.channels) kinds.push_back(c.kind);
  }
  // What the file has that cannot run yet stays out, as if the file lacked it.
  std::vector<ChannelConfig> fits;
  for (const ChannelConfig& next : file.channels) {
    const bool new_kind = running.multimedia_access_mode == AccessMode::kPerChannelKind &&
                          std::find(kinds.begin(), kinds.end(), next.kind) == kinds.end();
    if (new_kind || !Runs(running, next.skill_queue)) {
      const bool known = std::any_of(running.channels.begin(), running.channels.end(),
                                     [&](const ChannelConfig& c) { return c.id == next.id && !c.retired; });
      if (!known) {
        out.waiting.push_back(next.id);
        continue;
      }
    }
    fits.push_back(next);
  }
  MergedPositions positions = MergeById(
      running.channels, fits, [](const ChannelConfig& c) -> std::string_view { return c.id; },
      [&](ChannelConfig& channel, const ChannelConfig& next, std::uint32_t i) {
        // Its routing keys, where its new queue runs; the rest at the restart.
        if (!Runs(running, next.skill_queue)) return;
        if (channel.skill_queue == next.skill_queue && channel.priority == next.priority &&
            channel.required_skills == next.required_skills) {
          return;
        }
        channel.skill_queue = next.skill_queue;
        channel.priority = next.priority;
        channel.required_skills = next.required_skills;
        out.changed.push_back(i);
      });
  out.added = std::move(positions.added);
  out.retired = std::move(positions.retired);
  return out;
}

}  // namespace routerd::config
