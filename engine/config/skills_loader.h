// Skills in the configuration: an agent's `skills`, and the `required_skills`
// of a skill queue or a channel, each an inline table of skill = level
// ({ spanish = 7, billing = 3 }). Errors go to the loader's list.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <cstddef>
#include <string_view>

#include "engine/config/config.h"
#include "engine/config/toml_reader.h"

namespace routerd::config {

// Reads `key` of the table behind `r` (absent: empty). Skill names follow the
// id rules; levels are kMinSkillLevel..kMaxSkillLevel; at most `max_skills`.
// The result is sorted by skill.
SkillLevels ReadSkillLevels(internal::TableReader& r, std::string_view key, std::size_t max_skills,
                            internal::ErrorList& errors);

// Every skill a queue or a channel requires must be held by some agent of the
// tenant (at any level): a name nobody has is taken for a typo. `path`
// locates the tenant ("tenants[0]").
void CheckRequiredSkillsHeld(const TenantConfig& tenant, std::string_view path, internal::ErrorList& errors);

}  // namespace routerd::config
