// Agent presence: rest (not_ready), sign-out, a dropped connection within and
// beyond the grace period, a second connection replacing the first, and the
// daemon stopping while agents are connected.
#include <gtest/gtest.h>

#include <future>

#include "tests/gateway/gateway_fixture.h"

namespace routerd::gateway_test {
namespace {

using PresenceTest = GatewayTest;

constexpr std::string_view kConnected = "routerd_agents_connected";

TEST_F(PresenceTest, RestKeepsSessionsButGetsNothingNewAndSignOutRequeuesToAnotherAgent) {
  StartDaemon();
  auto a1 = ConnectReady("a1", kA1Token);
  auto a2 = Connect("a2", kA2Token);
  a2->Ack(R"("type":"sign_in")");
  EXPECT_EQ(a2->NextOfType("state").Str("/state"), "not_ready");

  DeliverWeb(kAcmeWeb, "cust-1", "Ana", "one");
  const JsonDoc assigned = a1->NextOfType("assigned");
  const std::string sid1 = assigned.Str("/session_id").value_or("?");
  EXPECT_EQ(assigned.Str("/customer/id"), "cust-1");

  // Rest: the state changes, the session stays.
  a1->Ack(R"("type":"not_ready")");
  const JsonDoc resting = a1->NextOfType("state");
  EXPECT_EQ(resting.Str("/state"), "not_ready") << resting.text();
  EXPECT_EQ(resting.Int("/active_sessions"), 1);

  // A new customer waits: nobody is ready.
  DeliverWeb(kAcmeWeb, "cust-2", "Bo", "two");
  JsonDoc queues = Api("GET", "/api/v1/queues", kAcmeAdmin).Json();
  EXPECT_EQ(queues.Int("/queues/0/waiting"), 1) << queues.text();
  EXPECT_EQ(queues.Int("/queues/0/agents_serving"), 2) << queues.text();
  EXPECT_EQ(queues.Int("/queues/0/free_capacity"), 0) << queues.text();
  // The resting agent still gets what its own customers write.
  DeliverWeb(kAcmeWeb, "cust-1", "Ana", "still there?");
  const JsonDoc message = a1->NextOfType("message");
  EXPECT_EQ(message.Str("/session_id"), sid1) << message.text();
  EXPECT_EQ(message.Str("/message/text"), "still there?");
  HttpReply state = Api("GET", "/api/v1/agents/a1/state", kA1Token);
  ASSERT_EQ(state.status, 200) << state.body;
  EXPECT_EQ(state.Json().Str("/state"), "not_ready") << state.body;
  EXPECT_EQ(state.Json().Int("/active_sessions"), 1) << state.body;
  EXPECT_EQ(state.Json().Str("/sessions/0"), sid1) << state.body;

  // a2 goes ready and takes the waiting customer.
  a2->Ack(R"("type":"ready")");
  const JsonDoc to_a2 = a2->NextOfType("assigned");
  EXPECT_EQ(to_a2.Str("/customer/id"), "cust-2") << to_a2.text();

  // Sign-out: a1's session goes back to its queue and on to a2.
  const JsonDoc sign_out = a1->Request(R"("type":"sign_out")");
  EXPECT_EQ(sign_out.Str("/type"), "ack") << sign_out.text();
  const JsonDoc ended = a1->NextOfType("session_ended");
  EXPECT_EQ(ended.Str("/session_id"), sid1) << ended.text();
  EXPECT_EQ(ended.Str("/reason"), "requeued");
  EXPECT_EQ(ended.Int("/active_sessions"), 0);
  const JsonDoc signed_out = a1->NextOfType("state");
  EXPECT_EQ(signed_out.Str("/state"), "signed_out") << signed_out.text();
  // Nothing else came while it rested (a new session would have been read,
  // and kept, before these).
  EXPECT_EQ(a1->unread(), 0u);

  const JsonDoc requeued = a2->NextOfType("assigned");
  SCOPED_TRACE(requeued.text());
  EXPECT_EQ(requeued.Str("/session_id"), sid1);
  EXPECT_EQ(requeued.Str("/customer/id"), "cust-1");
  EXPECT_EQ(requeued.Int("/active_sessions"), 2);
  ASSERT_EQ(requeued.Size("/messages"), 2u);
  EXPECT_EQ(requeued.Str("/messages/0/text"), "one");
  EXPECT_EQ(requeued.Str("/messages/1/text"), "still there?");

  // A signed-out agent cannot go ready.
  const JsonDoc refused = a1->Request(R"("type":"ready")");
  EXPECT_EQ(refused.Str("/type"), "error") << refused.text();
  EXPECT_EQ(refused.Str("/error"), "conflict");
  EXPECT_EQ(refused.Str("/detail"), "agent is signed out; sign in first");
}

TEST_F(PresenceTest, ForcedSignOutLeavesASessionWaitingWithItsArrivalTime) {
  StartDaemon();
  auto a1 = ConnectReady("a1", kA1Token);
  DeliverWeb(kAcmeWeb, "cust-1", "Ana", "one");
  const std::string sid1 = a1->NextOfType("assigned").Str("/session_id").value_or("?");

  HttpReply reply = Api("POST", "/api/v1/agents/a1/sign-out", kAcmeAdmin);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.body, R"({"ok":true})");
  const JsonDoc ended = a1->NextOfType("session_ended");
  EXPECT_EQ(ended.Str("/session_id"), sid1);
  EXPECT_EQ(ended.Str("/reason"), "requeued");

  // Nobody else is ready: it waits, and says so.
  reply = Api("GET", "/api/v1/sessions/" + sid1, kAcmeAdmin);
  ASSERT_EQ(reply.status, 200) << reply.body;
  const JsonDoc s = reply.Json();
  SCOPED_TRACE(reply.body);
  EXPECT_EQ(s.Str("/state"), "waiting");
  EXPECT_EQ(s.Str("/skill_queue"), "chat");
  EXPECT_GE(s.Int("/waiting_ms").value_or(-1), 0);
  EXPECT_FALSE(s.Has("/employee_id"));
  EXPECT_FALSE(s.Has("/route"));
  EXPECT_EQ(s.Int("/messages_count"), 1);
  const JsonDoc queues = Api("GET", "/api/v1/queues", kAcmeAdmin).Json();
  EXPECT_EQ(queues.Int("/queues/0/waiting"), 1) << queues.text();
  EXPECT_EQ(queues.Int("/queues/0/agents_serving"), 0) << queues.text();
}

TEST_F(PresenceTest, ReconnectWithinGraceKeepsSessionsAndReplaysWhatWasMissed) {
  StartDaemon();  // grace 60 s
  auto a1 = ConnectReady("a1", kA1Token);
  DeliverWeb(kAcmeWeb, "cust-1", "Ana", "one");
  const std::string sid1 = a1->NextOfType("assigned").Str("/session_id").value_or("?");
  ASSERT_TRUE(WaitForMetric(kConnected, [](std::uint64_t n) { return n == 1; }));

  // The connection drops (no closing handshake); the gateway notices.
  a1->Abort();
  a1.reset();
  ASSERT_TRUE(WaitForMetric(kConnected, [](std::uint64_t n) { return n == 0; }));

  // While it is away it rests (no new session waits on it), and its
  // customer writes: both are kept for it.
  const std::string e2 = DeliverWeb(kAcmeWeb, "cust-1", "Ana", "hello? anyone?");
  ASSERT_TRUE(WaitForMetric("routerd_agent_messages_buffered_total", [](std::uint64_t n) { return n == 2; }));
  // Its sessions are still its own.
  HttpReply state = Api("GET", "/api/v1/agents/a1/state", kAcmeAdmin);
  EXPECT_EQ(state.Json().Str("/state"), "not_ready") << state.body;
  EXPECT_EQ(state.Json().Int("/active_sessions"), 1) << state.body;

  // Back: first what it missed (the rest, then the message), then it is
  // ready again and its state as the router sees it now.
  a1 = Open("a1", kA1Token);
  const JsonDoc rested = a1->Next();
  EXPECT_EQ(rested.Str("/type"), "state") << rested.text();
  EXPECT_EQ(rested.Str("/state"), "not_ready") << rested.text();
  const JsonDoc replayed = a1->Next();
  EXPECT_EQ(replayed.Str("/type"), "message") << replayed.text();
  EXPECT_EQ(replayed.Str("/session_id"), sid1) << replayed.text();
  EXPECT_EQ(replayed.Str("/message/id"), e2) << replayed.text();
  EXPECT_EQ(replayed.Str("/message/text"), "hello? anyone?") << replayed.text();
  // The snapshot and the return to ready come in either order.
  bool ready = false;
  for (int i = 0; i < 4 && !ready; ++i) {
    const JsonDoc frame = a1->Next();
    EXPECT_EQ(frame.Str("/type"), "state") << frame.text();
    ready = frame.Str("/state") == "ready";
    if (ready) {
      EXPECT_EQ(frame.Int("/active_sessions"), 1) << frame.text();
    }
  }
  EXPECT_TRUE(ready);

  state = Api("GET", "/api/v1/agents/a1/state", kA1Token);
  EXPECT_EQ(state.Json().Str("/state"), "ready") << state.body;
  EXPECT_EQ(state.Json().Str("/sessions/0"), sid1) << state.body;
  EXPECT_EQ(Metric("routerd_agent_grace_sign_outs_total"), 0u);

  // And it goes on as before.
  DeliverWeb(kAcmeWeb, "cust-1", "Ana", "ok thanks");
  EXPECT_EQ(a1->NextOfType("message").Str("/message/text"), "ok thanks");
}

TEST_F(PresenceTest, BeyondGraceTheAgentIsSignedOutAndItsSessionsGoToAnother) {
  GatewayConfig config;
  config.grace_seconds = 1;  // the timeout is the behaviour under test: keep it short
  StartDaemon(config);
  auto a1 = ConnectReady("a1", kA1Token);
  DeliverWeb(kAcmeWeb, "cust-1", "Ana", "one");
  const std::string sid1 = a1->NextOfType("assigned").Str("/session_id").value_or("?");
  auto a2 = ConnectReady("a2", kA2Token);

  a1->Abort();
  a1.reset();
  // After the grace period the session is re-routed to a2 (bounded by kWait).
  const JsonDoc requeued = a2->NextOfType("assigned");
  SCOPED_TRACE(requeued.text());
  EXPECT_EQ(requeued.Str("/session_id"), sid1);
  EXPECT_EQ(requeued.Str("/customer/id"), "cust-1");
  ASSERT_EQ(requeued.Size("/messages"), 1u);
  EXPECT_EQ(requeued.Str("/messages/0/text"), "one");
  // Its original arrival time was kept: it had waited at least the grace period.
  EXPECT_GE(requeued.Int("/waited_ms").value_or(0), 1000);

  EXPECT_EQ(Metric("routerd_agent_grace_sign_outs_total"), 1u);
  const HttpReply state = Api("GET", "/api/v1/agents/a1/state", kAcmeAdmin);
  EXPECT_EQ(state.Json().Str("/state"), "signed_out") << state.body;
  EXPECT_EQ(state.Json().Int("/active_sessions"), 0) << state.body;
}

TEST_F(PresenceTest, ANewConnectionReplacesTheOldOne) {
  StartDaemon();
  auto first = ConnectReady("a1", kA1Token);
  auto second = Connect("a1", kA1Token);
  EXPECT_TRUE(first->WaitClosed());
  EXPECT_EQ(first->ws().close_code(), 4000) << "the replaced connection gets a Close frame saying so";
  DeliverWeb(kAcmeWeb, "cust-1", "Ana", "one");
  EXPECT_EQ(second->NextOfType("assigned").Str("/customer/id"), "cust-1");
  EXPECT_EQ(Metric(kConnected), 1u);
}

TEST_F(PresenceTest, DaemonStopClosesConnectedAgents) {
  StartDaemon();
  auto a1 = ConnectReady("a1", kA1Token);
  auto a2 = Connect("a2", kA2Token);
  auto stopped = std::async(std::launch::async, [this] { daemon().Stop(); });
  const bool in_time = stopped.wait_for(kWait) == std::future_status::ready;
  EXPECT_TRUE(in_time) << "Stop() waits for the agents' WebSockets";
  if (!in_time) {
    // Let it finish so the test ends: the client side closes.
    a1->Abort();
    a2->Abort();
  }
  stopped.wait();
  EXPECT_TRUE(a1->WaitClosed());
  EXPECT_TRUE(a2->WaitClosed());
  // Both got a Close frame saying the daemon is stopping.
  EXPECT_EQ(a1->ws().close_code(), 4002);
  EXPECT_EQ(a2->ws().close_code(), 4002);
}

}  // namespace
}  // namespace routerd::gateway_test
