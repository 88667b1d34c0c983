// The cluster test's checks once its traffic is drained (every message
// acknowledged and every acknowledged contact shown to an agent): what the
// agents were shown, what the paused instance did after it was resumed, and
// what the database holds. Each reports through gtest's EXPECT macros with a
// count and a few examples, never one failure per contact.
//
// Thread safety: the test thread; they read the traffic under its lock while
// the agents may still be connected.
#pragma once

#include <chrono>
#include <cstdint>

#include "tests/cluster/cluster_traffic.h"
#include "tests/durability/durability_config.h"

namespace routerd::cluster_test {

// An instance held by SIGSTOP from `stopped` to `continued`.
struct PauseWindow {
  std::uint16_t port = 0;
  TimePoint stopped;
  TimePoint continued;
};

// Every acknowledged contact was shown to exactly one agent (an agent shown
// it again after a reconnect, by a replay, still counts once) and in exactly
// one session; no session was shown to two agents; nothing was shown that was
// never sent; the agents recorded no violation (cap); each agent was back
// with an owner within `reconnect_bound` every time it lost one; providers
// got nothing but 2xx and 503.
void ExpectDeliveredExactlyOnce(ClusterTraffic& t, std::chrono::milliseconds reconnect_bound);

// The agent connections the paused instance held when it was stopped carry
// no frame from `continued` + 1 s on, end with 4004, and never showed a
// contact first sent after `stopped` (it lost its leases meanwhile: anything
// it routed then would be routed twice).
void ExpectPausedInstanceSilent(ClusterTraffic& t, const PauseWindow& pause);

// The database: each acknowledged contact stored once, nothing stored that
// was never sent, and each bound to the session its agent was shown it in.
void ExpectStoredOnce(const durability::DurabilityConfig& config, ClusterTraffic& t);

}  // namespace routerd::cluster_test
