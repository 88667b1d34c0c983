// least_busy: the agent with the fewest active sessions relative to its cap;
// ties go to the agent idle longest.
#pragma once

#include <cstdint>

#include "routerd/assignment_policy.h"

namespace routerd::routing {

// An agent's load as a 32.32 fixed-point fraction of its cap (below 2^32,
// since a ranked agent is below its cap). Two different fractions a/b and c/d
// with b, d <= 60 differ by at least 1/3600, far above 2^-32, and equal
// fractions floor to the same value, so the order is exact.
inline std::uint64_t LoadFraction(const AgentRankInput& agent) {
  return (static_cast<std::uint64_t>(agent.active_sessions) << 32) / agent.effective_cap;
}

// The same order as LoadFraction, as a small integer: the position of
// active/cap among the distinct fractions a/b, 0 <= a < b <= kMaxRankedCap
// (equal fractions share one). Small integers let a queue bucket its agents
// by load (AssignmentPolicy::PrimaryLimit).
inline constexpr std::uint32_t kMaxRankedCap = 60;  // config::kMaxCap
std::uint32_t LoadLevel(const AgentRankInput& agent);
// How many load levels there are: every LoadLevel is below it.
std::uint32_t LoadLevelCount();

class LeastBusyPolicy final : public AssignmentPolicy {
 public:
  static constexpr std::string_view kName = "least_busy";
  std::string_view Name() const override { return kName; }
  PolicyRank Rank(const AgentRankInput& agent) const override;
  std::uint32_t PrimaryLimit() const override { return LoadLevelCount(); }
};

}  // namespace routerd::routing
