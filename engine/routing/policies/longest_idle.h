// longest_idle: the agent whose last assignment (or return to ready) is oldest.
#pragma once

#include "routerd/assignment_policy.h"

namespace routerd::routing {

class LongestIdlePolicy final : public AssignmentPolicy {
 public:
  static constexpr std::string_view kName = "longest_idle";
  std::string_view Name() const override { return kName; }
  PolicyRank Rank(const AgentRankInput& agent) const override;
};

}  // namespace routerd::routing
