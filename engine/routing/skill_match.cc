#include "engine/routing/skill_match.h"

#include <algorithm>

namespace routerd::routing {
namespace {

// Calls fn(required entry, the agent's level or 0) for each required skill.
template <typename Fn>
void ForEachRequired(const config::SkillLevels& skills, const config::SkillLevels& required, Fn&& fn) {
  auto held = skills.begin();
  for (const config::SkillLevel& need : required) {
    while (held != skills.end() && held->skill < need.skill) ++held;
    fn(need, held != skills.end() && held->skill == need.skill ? held->level : 0);
  }
}

}  // namespace

bool Qualifies(const config::SkillLevels& skills, const config::SkillLevels& required) {
  bool ok = true;
  ForEachRequired(skills, required, [&](const config::SkillLevel& need, int level) { ok &= level >= need.level; });
  return ok;
}

std::uint32_t LevelSum(const config::SkillLevels& skills, const config::SkillLevels& required) {
  std::uint32_t sum = 0;
  ForEachRequired(skills, required,
                  [&](const config::SkillLevel&, int level) { sum += static_cast<std::uint32_t>(level); });
  return sum;
}

config::SkillLevels MergeRequirements(const config::SkillLevels& a, const config::SkillLevels& b) {
  config::SkillLevels out;
  auto x = a.begin(), y = b.begin();
  while (x != a.end() || y != b.end()) {
    if (y == b.end() || (x != a.end() && x->skill < y->skill)) {
      out.push_back(*x++);
    } else if (x == a.end() || y->skill < x->skill) {
      out.push_back(*y++);
    } else {
      out.push_back(x->level >= y->level ? *x : *y);
      ++x;
      ++y;
    }
  }
  return out;
}

}  // namespace routerd::routing
