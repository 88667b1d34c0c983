// AssignmentPolicy: how a skill queue chooses among its eligible agents.
//
// A policy does not scan candidates. It ranks one agent at a time, and each
// skill queue keeps its eligible agents (signed in, ready, below their effective
// cap, of a type that takes multimedia) in an index ordered by that rank: the
// lowest rank is served first, ties go to the agent listed first in the
// configuration. The router re-ranks an agent in every queue it serves whenever
// any field of its AgentRankInput changes, so choosing costs O(1) and each
// change O(log n), whatever the number of agents (O(1) for the usual change
// when the policy declares a PrimaryLimit).
//
// A new policy implements Rank() and is registered by name in the policy
// registry; the router itself does not change.
//
// Thread safety: Rank() is called only on the router shard thread that owns the
// queue, but a policy object is shared by all shards, so it must be stateless.
#pragma once

#include <cstdint>
#include <string_view>

namespace routerd {

struct AgentRankInput {
  // Units of capacity taken now: the agent's sessions and its after-contact
  // work (a closed session's write-up holds its unit until it ends).
  std::uint32_t active_sessions = 0;
  std::uint32_t effective_cap = 1;    // 1..60; active_sessions < effective_cap here
  // Monotonic nanoseconds of the start of the agent's current idle stretch:
  // the latest of its last assignment, its return to ready, and the last time
  // its load went from its cap to below it (a session or after-contact work
  // ending, a cap raised). A session ending while the agent had room anyway
  // does not restart it: the agent has been waiting for work since before.
  std::int64_t idle_since_ns = 0;
  // Per-queue sequence number of this agent's last assignment from the queue
  // being ranked for (0: never served from it).
  std::uint64_t last_served_seq = 0;
  // The sum of the agent's levels in the skills the queue and the session's
  // channel require (0 when they require none). Fixed per agent and queue.
  std::uint32_t skill_level = 0;
};

struct PolicyRank {
  std::uint64_t primary = 0;
  std::uint64_t secondary = 0;

  friend constexpr bool operator==(const PolicyRank&, const PolicyRank&) = default;
  friend constexpr bool operator<(const PolicyRank& a, const PolicyRank& b) {
    return a.primary != b.primary ? a.primary < b.primary : a.secondary < b.secondary;
  }
};

class AssignmentPolicy {
 public:
  virtual ~AssignmentPolicy() = default;
  // The `strategy` value in configuration.
  virtual std::string_view Name() const = 0;
  // Lower ranks are chosen first. Must depend only on `agent`.
  virtual PolicyRank Rank(const AgentRankInput& agent) const = 0;
  // 0, or a bound that every rank's primary stays below. With a bound of at
  // most 4096, a queue keeps one bucket per primary, where re-ranking an agent
  // moves it in O(1) instead of past other agents (see eligible_agents.h).
  virtual std::uint32_t PrimaryLimit() const { return 0; }
};

}  // namespace routerd
