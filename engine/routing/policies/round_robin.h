// round_robin: agents take turns within a skill queue. The agent served from
// this queue longest ago goes next; agents never served go first, in
// configuration order. Equivalent to a rotating cursor over the eligible agents,
// without scanning past the ineligible ones.
#pragma once

#include "routerd/assignment_policy.h"

namespace routerd::routing {

class RoundRobinPolicy final : public AssignmentPolicy {
 public:
  static constexpr std::string_view kName = "round_robin";
  std::string_view Name() const override { return kName; }
  PolicyRank Rank(const AgentRankInput& agent) const override;
};

}  // namespace routerd::routing
