// Cluster mode, the tenant moving away: AgentGateway::CloseTenantConnections
// closes the tenant's agent connections with 4004 and the owner's URL and
// forgets its channels here (no grace period, no missed messages, no
// sign-out later), leaving other tenants alone.
#include <gtest/gtest.h>

#include <thread>

#include "tests/gateway/gateway_fixture.h"

namespace routerd::gateway_test {
namespace {

using TenantMoveTest = GatewayTest;
using gateway::GatewayCounters;

constexpr std::string_view kOwner = "https://routerd-2.example:8443";

// Past the 1 s grace period of these tests, with room for a timer running late.
void OutlastGrace() { std::this_thread::sleep_for(std::chrono::milliseconds(1600)); }

TEST_F(TenantMoveTest, OpenConnectionsOfTheTenantAreClosedWith4004AndLeaveNoGracePeriod) {
  StartDaemon({.grace_seconds = 1});
  auto a1 = ConnectReady("a1", kA1Token);
  auto a2 = Connect("a2", kA2Token);
  auto g1 = Connect("g1", kG1Token);
  DeliverWeb(kAcmeWeb, "cust-1", "Ana", "hello");
  EXPECT_EQ(a1->NextOfType("assigned").Str("/customer/id"), "cust-1");

  EXPECT_EQ(daemon().agent_gateway().CloseTenantConnections("acme", kOwner), 2u);
  for (AgentConnection* agent : {a1.get(), a2.get()}) {
    EXPECT_TRUE(agent->WaitClosed()) << agent->employee_id();
    EXPECT_EQ(agent->ws().close_code(), 4004) << agent->employee_id();
    EXPECT_EQ(agent->ws().close_reason(), kOwner) << agent->employee_id();
  }
  // Another tenant's agent is still connected and served.
  g1->Ack(R"("type":"sign_in")");
  EXPECT_EQ(daemon().agent_gateway().connected(), 1u);

  // No grace period: a1 was neither rested nor, once it would have ended,
  // signed out (its tenant's state is rebuilt by the owner, not here).
  OutlastGrace();
  EXPECT_EQ(daemon().agent_gateway().counters().grace_sign_outs.load(), 0u);
  HttpReply state = Api("GET", "/api/v1/agents/a1/state", kA1Token);
  EXPECT_EQ(state.Json().Str("/state"), "ready") << state.body;
  EXPECT_EQ(state.Json().Int("/active_sessions"), 1) << state.body;
}

TEST_F(TenantMoveTest, AGraceRunningWhenTheTenantMovesEndsWithoutSignOutOrReplay) {
  StartDaemon({.grace_seconds = 1});
  auto a1 = ConnectReady("a1", kA1Token);
  DeliverWeb(kAcmeWeb, "cust-1", "Ana", "hello");
  EXPECT_EQ(a1->NextOfType("assigned").Str("/customer/id"), "cust-1");
  a1->Abort();
  // The grace period runs once the agent is rested; what comes meanwhile
  // would be kept for its return.
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (Api("GET", "/api/v1/agents/a1/state", kA1Token).Json().Str("/state") != "not_ready" &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const GatewayCounters& counters = daemon().agent_gateway().counters();
  const std::uint64_t buffered = counters.buffered.load();
  DeliverWeb(kAcmeWeb, "cust-1", "Ana", "are you there?");
  while (counters.buffered.load() == buffered && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_GT(counters.buffered.load(), buffered);

  EXPECT_EQ(daemon().agent_gateway().CloseTenantConnections("acme", ""), 0u);  // none open
  OutlastGrace();
  EXPECT_EQ(daemon().agent_gateway().counters().grace_sign_outs.load(), 0u);
  HttpReply state = Api("GET", "/api/v1/agents/a1/state", kA1Token);
  EXPECT_EQ(state.Json().Str("/state"), "not_ready") << state.body;
  EXPECT_EQ(state.Json().Int("/active_sessions"), 1) << state.body;

  // Coming back (as if the tenant had come back too): nothing is replayed,
  // and it is not made ready again by a grace period that no longer exists.
  auto again = Open("a1", kA1Token);
  for (;;) {
    const JsonDoc frame = again->Next();
    ASSERT_EQ(frame.Str("/type"), "state") << "replayed: " << frame.text();
    if (!frame.Has("/agent_type")) continue;  // a state change, replayed
    EXPECT_EQ(frame.Str("/state"), "not_ready") << frame.text();
    break;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(Api("GET", "/api/v1/agents/a1/state", kA1Token).Json().Str("/state"), "not_ready");
}

TEST_F(TenantMoveTest, AnUnknownTenantHasNothingToClose) {
  StartDaemon();
  auto a1 = Connect("a1", kA1Token);
  EXPECT_EQ(daemon().agent_gateway().CloseTenantConnections("initech", kOwner), 0u);
  a1->Ack(R"("type":"sign_in")");
}

}  // namespace
}  // namespace routerd::gateway_test
