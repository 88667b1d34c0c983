// most_skilled: the qualifying agent with the highest total level in the
// skills the session requires (its queue's and its channel's); ties go to the
// least busy, then to the agent idle longest. Without required skills every
// agent's total is 0 and it ranks as least_busy.
#pragma once

#include "routerd/assignment_policy.h"

namespace routerd::routing {

class MostSkilledPolicy final : public AssignmentPolicy {
 public:
  static constexpr std::string_view kName = "most_skilled";
  std::string_view Name() const override { return kName; }
  PolicyRank Rank(const AgentRankInput& agent) const override;
};

}  // namespace routerd::routing
