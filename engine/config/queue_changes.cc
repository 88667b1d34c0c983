#include "engine/config/queue_changes.h"

#include <string_view>

#include "engine/config/merge_by_id.h"

namespace routerd::config {
namespace {

bool SameKeys(const SkillQueueConfig& a, const SkillQueueConfig& b) {
  return a.strategy == b.strategy && a.max_wait_seconds == b.max_wait_seconds && a.max_waiting == b.max_waiting &&
         a.on_overflow.kind == b.on_overflow.kind && a.on_overflow.queue_id == b.on_overflow.queue_id &&
         a.media == b.media && a.auto_allocate == b.auto_allocate && a.priority == b.priority &&
         a.priority_aging_seconds == b.priority_aging_seconds &&
         a.service_level_seconds == b.service_level_seconds && a.wrap_up_seconds == b.wrap_up_seconds &&
         a.required_skills == b.required_skills && a.sticky_seconds == b.sticky_seconds &&
         a.sticky_wait_seconds == b.sticky_wait_seconds;
}

}  // namespace

QueueChanges MergeQueueChanges(const TenantConfig& running, const TenantConfig& file, bool structure_changed) {
  QueueChanges out;
  out.tenant = std::make_shared<TenantConfig>(running);
  if (structure_changed) return out;
  MergedPositions positions = MergeById(
      out.tenant->skill_queues, file.skill_queues, [](const SkillQueueConfig& q) -> std::string_view { return q.id; },
      [&out](SkillQueueConfig& queue, const SkillQueueConfig& next, std::uint32_t i) {
        if (!SameKeys(queue, next)) out.changed.push_back(i);
        queue = next;
      });
  out.added = std::move(positions.added);
  out.retired = std::move(positions.retired);
  return out;
}

std::vector<std::string> QueuesWithOtherMedia(const TenantConfig& running, const TenantConfig& file) {
  std::vector<std::string> ids;
  for (const SkillQueueConfig& q : running.skill_queues) {
    for (const SkillQueueConfig& next : file.skill_queues) {
      if (next.id == q.id && next.media != q.media) ids.push_back(q.id);
    }
  }
  return ids;
}

}  // namespace routerd::config
