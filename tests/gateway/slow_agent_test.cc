// Back-pressure: an agent that stops reading is disconnected once more than
// agent_outbox_limit messages wait for it, and never slows down the router or
// the other agents.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/gateway/gateway_fixture.h"

namespace routerd::gateway_test {
namespace {

using SlowAgentTest = GatewayTest;

constexpr int kCustomers = 300;
constexpr int kCap = 60;
// Large enough that the kernel buffers between the daemon and the stalled
// client (a few MB on loopback at most) fill after some tens of messages.
constexpr std::size_t kBigText = 60 * 1024;
constexpr int kMaxFloodRounds = 400;
constexpr int kProbeEvery = 8;
constexpr std::string_view kSlowClosed = "routerd_agent_slow_disconnects_total";

TEST_F(SlowAgentTest, AnAgentThatStopsReadingIsClosedAndOthersKeepReceiving) {
  GatewayConfig config;
  config.outbox_limit = 16;
  config.a1_cap = kCap;
  config.a2_cap = kCap;
  StartDaemon(config);

  // The slow agent: its WebSocket is open with a small receive buffer and is
  // never read; it signs in and goes ready over REST.
  auto slow = Open("a1", kA1Token, /*receive_buffer=*/4096);
  ASSERT_TRUE(slow->ws().open());
  ASSERT_EQ(Api("PUT", "/api/v1/agents/a1/state", kA1Token, R"({"state":"signed_in"})").status, 200);
  ASSERT_EQ(Api("PUT", "/api/v1/agents/a1/state", kA1Token, R"({"state":"ready"})").status, 200);
  auto fast = ConnectReady("a2", kA2Token);

  for (int i = 0; i < kCustomers; ++i) {
    DeliverWeb(kAcmeWeb, "cust-" + std::to_string(i), "Customer", "hello " + std::to_string(i));
  }
  // Both agents fill up to their cap (least_busy); the rest wait.
  std::vector<std::string> fast_customers;
  for (int i = 0; i < kCap; ++i) {
    const JsonDoc assigned = fast->NextOfType("assigned");
    ASSERT_TRUE(assigned.Str("/customer/id").has_value()) << "assignment " << i;
    fast_customers.push_back(*assigned.Str("/customer/id"));
  }
  const JsonDoc queues = Api("GET", "/api/v1/queues", kAcmeAdmin).Json();
  EXPECT_EQ(queues.Int("/queues/0/waiting"), kCustomers - 2 * kCap) << queues.text();
  const HttpReply sessions = Api("GET", "/api/v1/agents/a1/sessions", kAcmeAdmin);
  ASSERT_EQ(sessions.status, 200);
  const JsonDoc slow_sessions = sessions.Json();
  ASSERT_EQ(slow_sessions.Size("/sessions"), static_cast<std::size_t>(kCap));
  std::vector<std::string> slow_customers;
  for (int i = 0; i < kCap; ++i) {
    slow_customers.push_back(
        slow_sessions.Str("/sessions/" + std::to_string(i) + "/customer/id").value_or("?"));
  }

  // Flood the slow agent's sessions with large messages; every few rounds one
  // of the fast agent's customers writes, and the fast agent must get it.
  const std::string big(kBigText, 'x');
  bool slow_closed = false;
  int rounds = 0;
  for (; rounds < kMaxFloodRounds && !slow_closed; ++rounds) {
    DeliverWeb(kAcmeWeb, slow_customers[rounds % kCap], "Customer", big);
    if (rounds % kProbeEvery == 0) {
      const std::string text = "probe " + std::to_string(rounds);
      DeliverWeb(kAcmeWeb, fast_customers[(rounds / kProbeEvery) % kCap], "Customer", text);
      const JsonDoc message = fast->NextOfType("message");
      ASSERT_EQ(message.Str("/message/text"), text) << "round " << rounds;
      slow_closed = Metric(kSlowClosed).value_or(0) >= 1;
    }
  }
  EXPECT_TRUE(slow_closed) << "the slow agent was still connected after " << rounds << " large messages";
  EXPECT_EQ(Metric(kSlowClosed), 1u);
  EXPECT_TRUE(WaitForMetric("routerd_agents_connected", [](std::uint64_t n) { return n == 1; }));
  // The slow agent's socket was closed by the daemon: after whatever the
  // kernel still held, the client reads the end of the connection.
  EXPECT_TRUE(slow->WaitClosed());
  // Behind the frames already in flight comes a Close frame naming the reason.
  EXPECT_EQ(slow->ws().close_code(), 4001);

  // The fast agent goes on, and the slow one keeps its sessions (grace period).
  DeliverWeb(kAcmeWeb, fast_customers[0], "Customer", "after");
  EXPECT_EQ(fast->NextOfType("message").Str("/message/text"), "after");
  const JsonDoc state = Api("GET", "/api/v1/agents/a1/state", kAcmeAdmin).Json();
  EXPECT_EQ(state.Int("/active_sessions"), kCap) << state.text();
}

}  // namespace
}  // namespace routerd::gateway_test
