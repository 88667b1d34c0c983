// least_busy: the agent with the fewest active sessions relative to its cap;
// ties go to the agent idle longest.
#pragma once

#include "routerd/assignment_policy.h"

namespace routerd::routing {

class LeastBusyPolicy final : public AssignmentPolicy {
 public:
  static constexpr std::string_view kName = "least_busy";
  std::string_view Name() const override { return kName; }
  PolicyRank Rank(const AgentRankInput& agent) const override;
};

}  // namespace routerd::routing
