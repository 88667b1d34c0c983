#include "engine/routing/policies/round_robin.h"

namespace routerd::routing {

PolicyRank RoundRobinPolicy::Rank(const AgentRankInput& agent) const {
  return {agent.last_served_seq, 0};
}

}  // namespace routerd::routing
