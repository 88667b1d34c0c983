#include "engine/config/skill_queues_loader.h"

#include <algorithm>
#include <map>

#include "engine/config/overflow_target.h"
#include "engine/config/skills_loader.h"

namespace routerd::config {

using internal::ErrorList;
using internal::JoinNames;
using internal::Presence;
using internal::Quote;
using internal::ReadPlainId;
using internal::TableReader;

namespace {

// Ranges documented in config/README.md; keep them in step.
constexpr std::int64_t kMaxWaitSeconds = 86400;
constexpr std::int64_t kMaxWaiting = 1000000;

}  // namespace

std::optional<SkillQueueConfig> ReadSkillQueueTable(const toml::table& table, const std::string& path,
                                                    const std::vector<std::string>& strategies, ErrorList& errors,
                                                    QueueInfo* info) {
  TableReader r(table, path, errors);
  SkillQueueConfig queue;
  queue.line = r.line();
  std::optional<std::string> id = ReadPlainId(r, "id");
  if (id) r.set_label(*id);

  std::optional<std::string> strategy = r.String("strategy", Presence::kOptional);
  const std::string& chosen = strategy ? *strategy : queue.strategy;
  if (std::find(strategies.begin(), strategies.end(), chosen) == strategies.end()) {
    std::string allowed = strategies.empty() ? "none are registered" : JoinNames(strategies);
    if (strategy) {
      r.Error("strategy", "strategy = " + Quote(chosen) + " is not a known strategy (allowed: " + allowed + ")");
    } else {
      r.TableError("strategy defaults to " + Quote(chosen) + ", which is not a known strategy (allowed: " + allowed +
                   "); set strategy explicitly");
    }
  } else {
    queue.strategy = chosen;
  }
  r.IntInto("max_wait_seconds", 1, kMaxWaitSeconds, queue.max_wait_seconds);
  r.IntInto("max_waiting", 1, kMaxWaiting, queue.max_waiting);
  if (auto overflow = r.String("on_overflow", Presence::kOptional)) {
    if (*overflow == kOverflowLeaveMessage) {
      queue.on_overflow = {OverflowTarget::Kind::kLeaveMessage, {}};
    } else if (overflow->starts_with(kOverflowQueuePrefix) && overflow->size() > kOverflowQueuePrefix.size()) {
      queue.on_overflow = {OverflowTarget::Kind::kQueue, overflow->substr(kOverflowQueuePrefix.size())};
    } else {
      r.Error("on_overflow", "on_overflow = " + Quote(*overflow) +
                                 " is not valid (allowed: \"leave_message\" or \"queue:<skill queue id>\")");
    }
  }
  if (auto media = r.Choice("media", {"multimedia", "voice"}, Presence::kOptional)) {
    queue.media = *media == "voice" ? QueueMedia::kVoice : QueueMedia::kMultimedia;
  }
  if (auto automatic = r.Bool("auto_allocate", Presence::kOptional)) queue.auto_allocate = *automatic;
  r.IntInto("wrap_up_seconds", 0, kMaxWrapUpSeconds, queue.wrap_up_seconds);
  r.IntInto("priority", 0, kMaxPriority, queue.priority);
  r.IntInto("priority_aging_seconds", 1, kMaxWaitSeconds, queue.priority_aging_seconds);
  r.IntInto("service_level_seconds", 1, kMaxWaitSeconds, queue.service_level_seconds);
  queue.required_skills = ReadSkillLevels(r, "required_skills", kMaxRequiredSkills, errors);
  r.IntInto("sticky_seconds", 0, kMaxStickySeconds, queue.sticky_seconds);
  r.IntInto("sticky_wait_seconds", 1, kMaxStickyWaitSeconds, queue.sticky_wait_seconds);
  r.ReportUnknownKeys();
  if (info != nullptr) *info = {r.where(), r.KeyLine("on_overflow")};
  if (!id) return std::nullopt;
  queue.id = *id;
  return queue;
}

void LoadSkillQueueTables(const std::vector<const toml::table*>& tables, const std::string& path,
                          const std::vector<std::string>& strategies, TenantConfig& tenant, ErrorList& errors) {
  std::vector<QueueInfo> infos;
  std::map<std::string, int, std::less<>> seen;
  for (size_t i = 0; i < tables.size(); ++i) {
    if (tables[i] == nullptr) continue;
    const std::string where = path + ".skill_queues[" + std::to_string(i) + "]";
    QueueInfo info;
    std::optional<SkillQueueConfig> queue = ReadSkillQueueTable(*tables[i], where, strategies, errors, &info);
    if (!queue) continue;
    const int id_line = TableReader(*tables[i], where, errors).KeyLine("id");
    auto [it, inserted] = seen.emplace(queue->id, id_line);
    if (!inserted) {
      errors.Add(id_line, info.where,
                 "duplicate skill queue id '" + queue->id + "' (first defined at line " + std::to_string(it->second) +
                     ")");
      continue;
    }
    infos.push_back(std::move(info));
    tenant.skill_queues.push_back(std::move(*queue));
  }
  CheckOverflowTargets(tenant, infos, errors);
}

}  // namespace routerd::config
