// The tenant router when sessions wait: overflow by size and by time, agents
// who sign out or rest, the idle timeout and the bounded history.
#include "engine/routing/tenant_router.h"

#include <gtest/gtest.h>

#include "tests/routing/router_harness.h"

namespace routerd::testing {
namespace {

using routing::AgentCommandType;
using routing::CapOrigin;
using routing::RoutingEventType;
using Assignments = std::vector<std::pair<std::string, std::string>>;

TEST(TenantRouterTest, OverflowOnMaxWaitingGoesToTheTargetQueueThenToLeaveMessage) {
  RouterHarness h(TenantBuilder()
                      .Ou("ou")
                      .Queue("first", "least_busy", 60, 2, "second")
                      .Queue("second", "least_busy", 60, 1)
                      .Agent("a2", "ou", {"second"})
                      .Channel("web", "first")
                      .Build());
  for (int i = 0; i < 4; ++i) h.Contact("web", "c" + std::to_string(i));
  EXPECT_EQ(h.router().Queue(0).waiting, 2u);
  EXPECT_EQ(h.router().Queue(1).waiting, 1u);
  auto leave = h.Take(RoutingEventType::kLeaveMessage);
  ASSERT_EQ(leave.size(), 1u);
  EXPECT_EQ(leave[0].contact->customer_id, "c3");
  EXPECT_EQ(leave[0].leave_reason, routing::LeaveReason::kQueueFull);
  EXPECT_EQ(leave[0].queue_id, "second");
  ASSERT_EQ(leave[0].MessageCount(), 1u);
  h.SignInReady("a2");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"c2", "a2"}}));
}

TEST(TenantRouterTest, OverflowOnMaxWaitKeepsOriginalArrivalAndRestartsTheClock) {
  RouterHarness h(TenantBuilder()
                      .Ou("ou")
                      .Queue("first", "least_busy", 10, 100, "second")
                      .Queue("second", "least_busy", 20, 100)
                      .Agent("a2", "ou", {"second"}, 1)
                      .Channel("w1", "first")
                      .Channel("w2", "second")
                      .Build());
  h.Contact("w1", "early");  // t=0 in first
  h.Advance(5 * kSecond);
  h.Contact("w2", "late");   // t=5 in second
  h.Advance(5 * kSecond);
  h.Tick();                  // t=10: early overflows into second
  EXPECT_EQ(h.router().Queue(0).waiting, 0u);
  EXPECT_EQ(h.router().Queue(1).waiting, 2u);
  // Service order keeps the original arrival: early (t=0) before late (t=5).
  h.SignInReady("a2");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"early", "a2"}}));
  // late waited 20 s in second at t=25: becomes a leave message.
  h.Advance(15 * kSecond);
  h.Tick();
  auto leave = h.Take(RoutingEventType::kLeaveMessage);
  ASSERT_EQ(leave.size(), 1u);
  EXPECT_EQ(leave[0].contact->customer_id, "late");
  EXPECT_EQ(leave[0].leave_reason, routing::LeaveReason::kMaxWait);
  h.Advance(kSecond);
  h.Tick();
  EXPECT_TRUE(h.Take(RoutingEventType::kLeaveMessage).empty());
}

TEST(TenantRouterTest, SignOutRequeuesSessionsAtTheirOriginalArrivalTime) {
  RouterHarness h(TenantBuilder("t", 5)
                      .Ou("ou")
                      .Queue("q")
                      .Agent("a1", "ou", {"q"}, 3)
                      .Agent("a2", "ou", {"q"}, 1)
                      .Channel("web", "q")
                      .Build());
  h.SignInReady("a1");
  h.Take();
  for (int i = 1; i <= 3; ++i) {
    h.Contact("web", "c" + std::to_string(i));
    h.Advance(kSecond);
  }
  h.Contact("web", "c4");  // waits: a1 is full
  EXPECT_EQ(h.TakeAssignments().size(), 3u);
  ASSERT_EQ(h.Command(AgentCommandType::kSignOut, "a1"), StatusCode::kOk);
  auto ended = h.Take(RoutingEventType::kSessionEnded);
  EXPECT_EQ(ended.size(), 3u);
  for (const auto& e : ended) EXPECT_EQ(e.end_reason, routing::EndReason::kRequeued);
  EXPECT_EQ(h.router().Queue(0).waiting, 4u);
  h.SignInReady("a2");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"c1", "a2"}}));
  ASSERT_EQ(h.Command(AgentCommandType::kSetAgentCap, "a2", 4), StatusCode::kOk);
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"c2", "a2"}, {"c3", "a2"}, {"c4", "a2"}}));
}

TEST(TenantRouterTest, RestKeepsSessionsButReceivesNothingNew) {
  RouterHarness h(TenantBuilder().Ou("ou").Queue("q").Agent("a1", "ou", {"q"}).Channel("web", "q").Build());
  h.SignInReady("a1");
  h.Contact("web", "c1");
  h.Take();
  ASSERT_EQ(h.Command(AgentCommandType::kNotReady, "a1"), StatusCode::kOk);
  h.Contact("web", "c2");
  h.Contact("web", "c1", "still mine");
  auto events = h.Take();
  int messages = 0;
  for (const auto& e : events) {
    EXPECT_NE(e.type, RoutingEventType::kAssigned);
    messages += e.type == RoutingEventType::kMessage;
  }
  EXPECT_EQ(messages, 1);
  EXPECT_EQ(h.Active("a1"), 1u);
  ASSERT_EQ(h.Command(AgentCommandType::kReady, "a1"), StatusCode::kOk);
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"c2", "a1"}}));
}

TEST(TenantRouterTest, CommandsOnASignedOutAgentAreRefused) {
  RouterHarness h(TenantBuilder().Ou("ou").Queue("q").Agent("a1", "ou", {"q"}).Channel("web", "q").Build());
  EXPECT_EQ(h.Command(AgentCommandType::kReady, "a1"), StatusCode::kFailedPrecondition);
  EXPECT_EQ(h.Command(AgentCommandType::kNotReady, "a1"), StatusCode::kFailedPrecondition);
  EXPECT_EQ(h.Command(AgentCommandType::kSignOut, "a1"), StatusCode::kOk);  // idempotent
  EXPECT_EQ(h.Close("a1", 12345), StatusCode::kNotFound);
}

TEST(TenantRouterTest, IdleTimeoutEndsAssignedSessionsAndTurnsWaitingOnesIntoLeaveMessages) {
  RouterHarness h(TenantBuilder("t", 1)
                      .IdleTimeout(100)
                      .Ou("ou")
                      .Queue("q", "least_busy", 1000)
                      .Agent("a1", "ou", {"q"})
                      .Channel("web", "q")
                      .Build());
  h.SignInReady("a1");
  h.Contact("web", "c1");  // assigned at t=0
  h.Advance(10 * kSecond);
  h.Contact("web", "c2");  // waits from t=10
  h.Advance(60 * kSecond);
  h.Contact("web", "c1", "still here");  // c1 active at t=70
  h.Take();
  h.Advance(40 * kSecond);  // t=110: c2 idle 100 s
  h.Tick();
  auto leave = h.Take(RoutingEventType::kLeaveMessage);
  ASSERT_EQ(leave.size(), 1u);
  EXPECT_EQ(leave[0].contact->customer_id, "c2");
  EXPECT_EQ(leave[0].leave_reason, routing::LeaveReason::kIdleTimeout);
  h.Advance(59 * kSecond);  // t=169: c1 idle 99 s
  h.Tick();
  EXPECT_TRUE(h.Take(RoutingEventType::kSessionEnded).empty());
  h.Advance(kSecond);
  h.Tick();
  auto ended = h.Take(RoutingEventType::kSessionEnded);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].end_reason, routing::EndReason::kIdleTimeout);
  EXPECT_EQ(h.Active("a1"), 0u);
  EXPECT_EQ(h.router().open_sessions(), 0u);
}

TEST(TenantRouterTest, HistoryIsBoundedButKeepsTheFirstMessage) {
  routing::TenantRouterOptions options;
  options.session_history_limit = 3;
  RouterHarness h(TenantBuilder().Ou("ou").Queue("q").Agent("a1", "ou", {"q"}).Channel("web", "q").Build(),
                  options);
  for (int i = 0; i < 6; ++i) h.Contact("web", "c1", "m" + std::to_string(i));
  h.SignInReady("a1");
  auto assigned = h.Take(RoutingEventType::kAssigned);
  ASSERT_EQ(assigned.size(), 1u);
  ASSERT_EQ(assigned[0].history.size(), 3u);
  EXPECT_EQ(assigned[0].history[0]->text, "m0");
  EXPECT_EQ(assigned[0].history[1]->text, "m4");
  EXPECT_EQ(assigned[0].history[2]->text, "m5");
}

}  // namespace
}  // namespace routerd::testing
