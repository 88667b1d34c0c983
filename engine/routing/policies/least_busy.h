// least_busy: the agent with the fewest active sessions relative to its cap;
// ties go to the agent idle longest.
#pragma once

#include "routerd/assignment_policy.h"

namespace routerd::routing {

// An agent's load as a 32.32 fixed-point fraction of its cap (below 2^32,
// since a ranked agent is below its cap). Two different fractions a/b and c/d
// with b, d <= 60 differ by at least 1/3600, far above 2^-32, and equal
// fractions floor to the same value, so the order is exact.
inline std::uint64_t LoadFraction(const AgentRankInput& agent) {
  return (static_cast<std::uint64_t>(agent.active_sessions) << 32) / agent.effective_cap;
}

class LeastBusyPolicy final : public AssignmentPolicy {
 public:
  static constexpr std::string_view kName = "least_busy";
  std::string_view Name() const override { return kName; }
  PolicyRank Rank(const AgentRankInput& agent) const override;
};

}  // namespace routerd::routing
