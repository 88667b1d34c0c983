#include "engine/routing/policies/least_busy.h"

namespace routerd::routing {

PolicyRank LeastBusyPolicy::Rank(const AgentRankInput& agent) const {
  // Load as a 32.32 fixed-point fraction. Two different fractions a/b and c/d
  // with b, d <= 60 differ by at least 1/3600, far above 2^-32, and equal
  // fractions floor to the same value, so the order is exact.
  const std::uint64_t load = (static_cast<std::uint64_t>(agent.active_sessions) << 32) / agent.effective_cap;
  return {load, static_cast<std::uint64_t>(agent.idle_since_ns)};
}

}  // namespace routerd::routing
