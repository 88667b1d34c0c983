#include "engine/routing/policies/longest_idle.h"

namespace routerd::routing {

PolicyRank LongestIdlePolicy::Rank(const AgentRankInput& agent) const {
  return {static_cast<std::uint64_t>(agent.idle_since_ns), 0};
}

}  // namespace routerd::routing
