#include "engine/config/skills_loader.h"

#include <algorithm>
#include <set>
#include <string>

#include "engine/config/id_rules.h"
#include "engine/config/int_table_reader.h"

namespace routerd::config {

using internal::ErrorList;
using internal::Quote;
using internal::TableReader;

SkillLevels ReadSkillLevels(TableReader& r, std::string_view key, std::size_t max_skills, ErrorList& errors) {
  SkillLevels out;
  for (const NamedInt& n : ReadIntTable(r, key, kMinSkillLevel, kMaxSkillLevel, "skill", "level", errors)) {
    out.push_back({n.name, static_cast<int>(n.value), n.line});
  }
  const std::string name(key);
  if (out.size() > max_skills) {
    r.Error(key, name + " lists " + std::to_string(out.size()) + " skills; at most " + std::to_string(max_skills) +
                     " are allowed");
    out.clear();
  }
  // TOML keys of one table are unique, so each skill is there once.
  std::sort(out.begin(), out.end(), [](const SkillLevel& a, const SkillLevel& b) { return a.skill < b.skill; });
  return out;
}

void CheckRequiredSkillsHeld(const TenantConfig& tenant, std::string_view path, ErrorList& errors) {
  std::set<std::string, std::less<>> held;
  for (const AgentConfig& agent : tenant.agents) {
    for (const SkillLevel& s : agent.skills) held.insert(s.skill);
  }
  const std::vector<std::string> known(held.begin(), held.end());
  auto check = [&](const SkillLevels& required, const std::string& where) {
    for (const SkillLevel& s : required) {
      if (held.contains(s.skill)) continue;
      std::string message = "required_skills: no agent of this tenant has the skill " + Quote(s.skill);
      if (auto nearest = internal::NearestWord(s.skill, known)) message += " (did you mean '" + *nearest + "'?)";
      message += " " + internal::KnownList("skills", known);
      errors.Add(s.line, where, message);
    }
  };
  for (std::size_t i = 0; i < tenant.skill_queues.size(); ++i) {
    const SkillQueueConfig& q = tenant.skill_queues[i];
    if (q.retired) continue;
    check(q.required_skills, std::string(path) + ".skill_queues '" + q.id + "'");
  }
  for (std::size_t i = 0; i < tenant.channels.size(); ++i) {
    const ChannelConfig& c = tenant.channels[i];
    if (c.retired) continue;
    check(c.required_skills, std::string(path) + ".channels '" + c.id + "'");
  }
}

}  // namespace routerd::config
