// longest_idle: the agent whose current idle stretch began first (see
// AgentRankInput::idle_since_ns: since it last received a session, became
// ready, or had capacity free again after being at its cap).
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
