#include "engine/config/overflow_check.h"

#include <algorithm>
#include <map>

#include "engine/config/successor_cycles.h"

namespace routerd::config {

using internal::KnownList;
using internal::Quote;

void CheckOverflowTargets(const TenantConfig& tenant, const std::vector<QueueInfo>& infos,
                        internal::ErrorList& errors) {
  std::vector<std::string> ids;
  std::map<std::string_view, size_t> index;
  for (const SkillQueueConfig& q : tenant.skill_queues) {
    index.emplace(q.id, ids.size());
    ids.push_back(q.id);
  }
  std::vector<long> next(tenant.skill_queues.size(), -1);
  for (size_t i = 0; i < tenant.skill_queues.size(); ++i) {
    const SkillQueueConfig& q = tenant.skill_queues[i];
    if (q.on_overflow.kind != OverflowTarget::Kind::kQueue) continue;
    const std::string value = Quote(std::string(kOverflowQueuePrefix) + q.on_overflow.queue_id);
    auto it = index.find(q.on_overflow.queue_id);
    if (it == index.end()) {
      errors.Add(infos[i].overflow_line, infos[i].where,
                  "on_overflow = " + value + " names an unknown skill queue " + KnownList("skill queues", ids));
    } else if (it->second == i) {
      errors.Add(infos[i].overflow_line, infos[i].where,
                  "on_overflow = " + value +
                      " points at the queue itself (a session would bounce forever); use another queue or "
                      "\"leave_message\"");
    } else if (tenant.skill_queues[it->second].media != q.media) {
      errors.Add(infos[i].overflow_line, infos[i].where,
                  "on_overflow = " + value + " is a " +
                      std::string(QueueMediaName(tenant.skill_queues[it->second].media)) + " queue; a " +
                      std::string(QueueMediaName(q.media)) + " queue may only overflow to a " +
                      std::string(QueueMediaName(q.media)) + " queue");
    } else {
      next[i] = static_cast<long>(it->second);
    }
  }
  for (const std::vector<size_t>& cycle : FindCycles(next)) {
    size_t first = *std::min_element(cycle.begin(), cycle.end());
    errors.Add(infos[first].overflow_line, infos[first].where,
                "on_overflow chain forms a cycle: " + NameCycle(cycle, ids) +
                    " (a session would bounce forever); end the chain with \"leave_message\"");
  }
}

}  // namespace routerd::config
