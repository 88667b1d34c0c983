#include "engine/routing/policies/least_busy.h"

namespace routerd::routing {

PolicyRank LeastBusyPolicy::Rank(const AgentRankInput& agent) const {
  return {LoadFraction(agent), static_cast<std::uint64_t>(agent.idle_since_ns)};
}

}  // namespace routerd::routing
