// The skills rule: who may serve a session that requires skills, and how
// skilled it is for it. Skill lists are config::SkillLevels, sorted by skill.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <cstdint>

#include "engine/config/config.h"

namespace routerd::routing {

// Whether an agent with `skills` qualifies for `required`: it holds every
// required skill at the required level or above.
bool Qualifies(const config::SkillLevels& skills, const config::SkillLevels& required);

// The sum of the agent's levels in the required skills (the most_skilled
// strategy ranks by it). Skills it lacks count 0.
std::uint32_t LevelSum(const config::SkillLevels& skills, const config::SkillLevels& required);

// Both requirements at once: every skill of either, at the higher level
// where both name it.
config::SkillLevels MergeRequirements(const config::SkillLevels& a, const config::SkillLevels& b);

}  // namespace routerd::routing
