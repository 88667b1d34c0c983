#include "engine/routing/policies/most_skilled.h"

#include <algorithm>

#include "engine/routing/policies/least_busy.h"

namespace routerd::routing {

PolicyRank MostSkilledPolicy::Rank(const AgentRankInput& agent) const {
  // Higher levels first in bits 32..47; the load fraction is below 2^32.
  constexpr std::uint32_t kTop = 0xFFFF;
  const std::uint64_t level_gap = kTop - std::min(agent.skill_level, kTop);
  return {(level_gap << 32) | LoadFraction(agent), static_cast<std::uint64_t>(agent.idle_since_ns)};
}

}  // namespace routerd::routing
