#include "engine/routing/tenant_router.h"

#include <gtest/gtest.h>

#include "tests/routing/router_harness.h"

namespace routerd::testing {
namespace {

using routing::AgentCommandType;
using routing::CapOrigin;
using routing::RoutingEventType;
using Assignments = std::vector<std::pair<std::string, std::string>>;

TEST(TenantRouterTest, ContactWaitsUntilAnAgentIsReady) {
  RouterHarness h(TenantBuilder().Ou("ou").Queue("q").Agent("a1", "ou", {"q"}).Channel("web", "q").Build());
  h.Contact("web", "c1");
  EXPECT_TRUE(h.TakeAssignments().empty());
  EXPECT_EQ(h.router().Queue(0).waiting, 1u);
  h.Advance(3 * kSecond);
  h.SignInReady("a1");
  auto events = h.Take(RoutingEventType::kAssigned);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].employee_id, "a1");
  EXPECT_EQ(events[0].waited_ns, 3 * kSecond);
  EXPECT_EQ(events[0].strategy, "least_busy");
  EXPECT_EQ(events[0].queue_id, "q");
  EXPECT_EQ(h.router().Queue(0).waiting, 0u);
}

TEST(TenantRouterTest, RepeatMessagesJoinTheOpenSessionAndGoToItsAgent) {
  RouterHarness h(TenantBuilder().Ou("ou").Queue("q").Agent("a1", "ou", {"q"}).Agent("a2", "ou", {"q"})
                      .Channel("web", "q").Channel("line", "q").Build());
  h.SignInReady("a1");
  h.SignInReady("a2");
  h.Take();
  h.Contact("web", "c1", "first");
  auto assigned = h.Take(RoutingEventType::kAssigned);
  ASSERT_EQ(assigned.size(), 1u);
  const std::string agent(assigned[0].employee_id);
  h.Contact("web", "c1", "second");
  auto messages = h.Take(RoutingEventType::kMessage);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].employee_id, agent);
  EXPECT_EQ(messages[0].contact->text, "second");
  EXPECT_EQ(messages[0].session_id, assigned[0].session_id);
  // The same customer id on another channel instance is another session.
  h.Contact("line", "c1");
  EXPECT_EQ(h.Take(RoutingEventType::kAssigned).size(), 1u);
  EXPECT_EQ(h.router().open_sessions(), 2u);
}

TEST(TenantRouterTest, MessagesOfAWaitingSessionArriveWithTheAssignment) {
  RouterHarness h(TenantBuilder().Ou("ou").Queue("q").Agent("a1", "ou", {"q"}).Channel("web", "q").Build());
  h.Contact("web", "c1", "one");
  h.Contact("web", "c1", "two");
  EXPECT_TRUE(h.Take(RoutingEventType::kMessage).empty());
  h.SignInReady("a1");
  auto assigned = h.Take(RoutingEventType::kAssigned);
  ASSERT_EQ(assigned.size(), 1u);
  ASSERT_EQ(assigned[0].history.size(), 2u);
  EXPECT_EQ(assigned[0].history[0]->text, "one");
  EXPECT_EQ(assigned[0].history[1]->text, "two");
}

TEST(TenantRouterTest, NeverAboveTheEffectiveCapAndCloseFreesOneUnitAtOnce) {
  RouterHarness h(TenantBuilder("t", 2).Ou("ou").Queue("q").Agent("a1", "ou", {"q"}).Channel("web", "q").Build());
  h.SignInReady("a1");
  for (int i = 0; i < 4; ++i) h.Contact("web", "c" + std::to_string(i));
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"c0", "a1"}, {"c1", "a1"}}));
  EXPECT_EQ(h.Active("a1"), 2u);
  EXPECT_EQ(h.router().Queue(0).waiting, 2u);
  const std::uint64_t first = h.SessionOf("a1", 0);
  EXPECT_EQ(h.Close("a1", first), StatusCode::kOk);
  // The oldest waiting session is assigned in the same step.
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"c2", "a1"}}));
  EXPECT_EQ(h.Active("a1"), 2u);
  EXPECT_EQ(h.Close("a1", first), StatusCode::kNotFound);
}

TEST(TenantRouterTest, ClosedSessionsReportTheirEnd) {
  RouterHarness h(TenantBuilder().Ou("ou").Queue("q").Agent("a1", "ou", {"q"}).Channel("web", "q").Build());
  h.SignInReady("a1");
  h.Contact("web", "c1");
  h.Take();
  const std::uint64_t id = h.SessionOf("a1");
  ASSERT_EQ(h.Close("a1", id), StatusCode::kOk);
  auto ended = h.Take(RoutingEventType::kSessionEnded);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].session_id, id);
  EXPECT_EQ(ended[0].end_reason, routing::EndReason::kClosed);
  EXPECT_EQ(h.router().open_sessions(), 0u);
  // The customer's next message opens a new session with a new id.
  h.Contact("web", "c1");
  auto again = h.Take(RoutingEventType::kAssigned);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_NE(again[0].session_id, id);
}

TEST(TenantRouterTest, CapResolutionOverNestedOusAndItsOriginInTheTrace) {
  RouterHarness h(TenantBuilder("t", 5)
                      .Ou("root", "", 4)
                      .Ou("mid", "root")
                      .Ou("leaf", "mid", 2)
                      .Queue("q")
                      .Agent("own", "leaf", {"q"}, 3)
                      .Agent("leafy", "leaf", {"q"})
                      .Agent("midy", "mid", {"q"})
                      .Channel("web", "q")
                      .Build());
  auto cap = [&](const std::string& e) { return h.router().Agent(h.AgentIndex(e)).cap; };
  EXPECT_EQ(cap("own").cap, 3u);
  EXPECT_EQ(cap("own").origin, CapOrigin::kAgent);
  EXPECT_EQ(cap("leafy").cap, 2u);
  EXPECT_EQ(cap("leafy").origin, CapOrigin::kOu);
  EXPECT_EQ(cap("midy").cap, 4u);  // mid sets nothing: root's
  // Run-time changes at each level.
  EXPECT_EQ(h.SetOuCap("mid", 6), StatusCode::kOk);
  EXPECT_EQ(cap("midy").cap, 6u);
  EXPECT_EQ(cap("leafy").cap, 2u);  // leaf is nearer
  EXPECT_EQ(h.SetOuCap("leaf", std::nullopt), StatusCode::kOk);
  EXPECT_EQ(cap("leafy").cap, 6u);
  EXPECT_EQ(h.SetOuCap("mid", std::nullopt), StatusCode::kOk);
  EXPECT_EQ(h.SetOuCap("root", std::nullopt), StatusCode::kOk);
  EXPECT_EQ(cap("leafy").cap, 5u);
  EXPECT_EQ(cap("leafy").origin, CapOrigin::kTenant);
  EXPECT_EQ(h.SetTenantCap(7), StatusCode::kOk);
  EXPECT_EQ(cap("midy").cap, 7u);
  EXPECT_EQ(h.Command(AgentCommandType::kSetAgentCap, "own", std::nullopt), StatusCode::kOk);
  EXPECT_EQ(cap("own").cap, 7u);
  EXPECT_EQ(h.SetTenantCap(std::nullopt), StatusCode::kOk);
  EXPECT_EQ(cap("own").cap, 5u);
  EXPECT_EQ(h.Command(AgentCommandType::kSetAgentCap, "own", 61), StatusCode::kInvalidArgument);
  EXPECT_EQ(h.Command(AgentCommandType::kSetAgentCap, "own", 0), StatusCode::kInvalidArgument);

  // The assignment trace names the OU the cap came from.
  EXPECT_EQ(h.SetOuCap("leaf", 2), StatusCode::kOk);
  h.SignInReady("leafy");
  h.Take();
  h.Contact("web", "c1");
  auto assigned = h.Take(RoutingEventType::kAssigned);
  ASSERT_EQ(assigned.size(), 1u);
  EXPECT_EQ(assigned[0].effective_cap, 2u);
  EXPECT_EQ(assigned[0].cap_origin, CapOrigin::kOu);
  EXPECT_EQ(assigned[0].cap_origin_ou, "leaf");
}

TEST(TenantRouterTest, RaisingACapAssignsWaitingSessionsAndLoweringNeverRevokes) {
  RouterHarness h(TenantBuilder("t", 1).Ou("ou").Queue("q").Agent("a1", "ou", {"q"}).Channel("web", "q").Build());
  h.SignInReady("a1");
  for (int i = 0; i < 3; ++i) h.Contact("web", "c" + std::to_string(i));
  EXPECT_EQ(h.TakeAssignments().size(), 1u);
  EXPECT_EQ(h.SetOuCap("ou", 3), StatusCode::kOk);
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"c1", "a1"}, {"c2", "a1"}}));
  EXPECT_EQ(h.Command(AgentCommandType::kSetAgentCap, "a1", 1), StatusCode::kOk);
  EXPECT_EQ(h.Active("a1"), 3u);  // kept
  h.Contact("web", "c3");
  EXPECT_TRUE(h.TakeAssignments().empty());
  // Two closes bring it to 1 = cap: still nothing new; the third frees a unit.
  EXPECT_EQ(h.Close("a1", h.SessionOf("a1", 0)), StatusCode::kOk);
  EXPECT_EQ(h.Close("a1", h.SessionOf("a1", 0)), StatusCode::kOk);
  EXPECT_TRUE(h.TakeAssignments().empty());
  EXPECT_EQ(h.Close("a1", h.SessionOf("a1", 0)), StatusCode::kOk);
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"c3", "a1"}}));
}

TEST(TenantRouterTest, OnlyVersatileAndMultimediaAgentsReceiveSessions) {
  RouterHarness h(TenantBuilder()
                      .Ou("ou")
                      .Queue("q")
                      .Queue("v", "least_busy", 60, 1000, "", config::QueueMedia::kVoice)
                      .Agent("voice", "ou", {"v"}, std::nullopt, config::AgentType::kVoice)
                      .Agent("versatile", "ou", {"q", "v"}, 1, config::AgentType::kVersatile)
                      .Agent("mm", "ou", {"q"}, 1, config::AgentType::kMultimedia)
                      .Channel("web", "q")
                      .Build());
  h.SignInReady("voice");
  h.SignInReady("versatile");
  h.SignInReady("mm");
  h.Take();
  for (int i = 0; i < 3; ++i) h.Contact("web", "c" + std::to_string(i));
  auto a = h.TakeAssignments();
  ASSERT_EQ(a.size(), 2u);
  for (const auto& [customer, agent] : a) EXPECT_NE(agent, "voice");
  EXPECT_EQ(h.Active("voice"), 0u);
  EXPECT_EQ(h.router().Queue(0).waiting, 1u);
}

TEST(TenantRouterTest, LeastBusyPrefersLowerLoadRelativeToCapThenLongestIdle) {
  RouterHarness h(TenantBuilder("t", 5)
                      .Ou("ou")
                      .Queue("q", "least_busy")
                      .Agent("big", "ou", {"q"}, 4)
                      .Agent("small", "ou", {"q"}, 2)
                      .Channel("web", "q")
                      .Build());
  h.SignInReady("small");
  h.Advance(kSecond);
  h.SignInReady("big");  // ready later: idle for less time
  h.Take();
  h.Contact("web", "c1");  // both 0/cap: tie -> longest idle = small
  h.Advance(kSecond);
  h.Contact("web", "c2");  // small 1/2 = 0.5, big 0/4 -> big
  h.Advance(kSecond);
  h.Contact("web", "c3");  // small 0.5, big 0.25 -> big
  h.Advance(kSecond);
  h.Contact("web", "c4");  // small 0.5, big 0.5 -> tie: small idle since c1
  EXPECT_EQ(h.TakeAssignments(),
            (Assignments{{"c1", "small"}, {"c2", "big"}, {"c3", "big"}, {"c4", "small"}}));
}

TEST(TenantRouterTest, LongestIdleChoosesTheAgentWhoseLastAssignmentIsOldest) {
  RouterHarness h(TenantBuilder("t", 5)
                      .Ou("ou")
                      .Queue("q", "longest_idle")
                      .Agent("a1", "ou", {"q"})
                      .Agent("a2", "ou", {"q"})
                      .Agent("a3", "ou", {"q"})
                      .Channel("web", "q")
                      .Build());
  h.SignInReady("a2");
  h.Advance(kSecond);
  h.SignInReady("a1");
  h.Advance(kSecond);
  h.SignInReady("a3");
  h.Take();
  for (int i = 1; i <= 4; ++i) {
    h.Advance(kSecond);
    h.Contact("web", "c" + std::to_string(i));
  }
  // Load does not matter to longest_idle: a2 (idle longest) again after all three.
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"c1", "a2"}, {"c2", "a1"}, {"c3", "a3"}, {"c4", "a2"}}));
}

TEST(TenantRouterTest, RoundRobinRotatesAndSkipsAgentsWhoAreNotEligible) {
  RouterHarness h(TenantBuilder("t", 5)
                      .Ou("ou")
                      .Queue("q", "round_robin")
                      .Agent("a1", "ou", {"q"})
                      .Agent("a2", "ou", {"q"})
                      .Agent("a3", "ou", {"q"})
                      .Channel("web", "q")
                      .Build());
  h.SignInReady("a1");
  h.SignInReady("a2");
  h.SignInReady("a3");
  h.Take();
  for (int i = 1; i <= 4; ++i) h.Contact("web", "c" + std::to_string(i));
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"c1", "a1"}, {"c2", "a2"}, {"c3", "a3"}, {"c4", "a1"}}));
  EXPECT_EQ(h.Command(AgentCommandType::kNotReady, "a2"), StatusCode::kOk);
  for (int i = 5; i <= 7; ++i) h.Contact("web", "c" + std::to_string(i));
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"c5", "a3"}, {"c6", "a1"}, {"c7", "a3"}}));
}

TEST(TenantRouterTest, OldestFirstAcrossAllOfAnAgentsQueues) {
  RouterHarness h(TenantBuilder("t", 1)
                      .Ou("ou")
                      .Queue("sales")
                      .Queue("support")
                      .Agent("a1", "ou", {"sales", "support"})
                      .Channel("s", "sales")
                      .Channel("p", "support")
                      .Build());
  h.Contact("p", "c1");
  h.Advance(kSecond);
  h.Contact("s", "c2");
  h.Advance(kSecond);
  h.Contact("p", "c3");
  h.Advance(kSecond);
  h.Contact("s", "c4");
  h.SignInReady("a1");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"c1", "a1"}}));
  for (const char* next : {"c2", "c3", "c4"}) {
    ASSERT_EQ(h.Close("a1", h.SessionOf("a1")), StatusCode::kOk);
    EXPECT_EQ(h.TakeAssignments(), (Assignments{{next, "a1"}}));
  }
}

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

routing::AgentCommand TransferCommand(RouterHarness& h, const std::string& from, std::uint64_t session) {
  routing::AgentCommand c;
  c.type = AgentCommandType::kTransfer;
  c.target = h.AgentIndex(from);
  c.session_id = session;
  c.correlation = 99;
  return c;
}

TEST(TenantRouterTest, TransferToAnAgentWithCapacityMovesTheSessionAndFreesTheOldUnit) {
  RouterHarness h(TenantBuilder("t", 1)
                      .Ou("ou")
                      .Queue("q", "least_busy")
                      .Agent("a1", "ou", {"q"})
                      .Agent("a2", "ou", {"q"}, 2)
                      .Channel("web", "q")
                      .Build());
  h.SignInReady("a1");
  h.Contact("web", "c1");  // to a1
  h.Contact("web", "c2");  // waits: a1 full, a2 not ready
  h.SignInReady("a2");     // takes c2
  h.Take();
  auto c = TransferCommand(h, "a1", h.SessionOf("a1"));
  c.to_agent = h.AgentIndex("a2");
  EXPECT_EQ(h.Run(c), StatusCode::kOk);
  EXPECT_EQ(h.Active("a2"), 2u);
  EXPECT_EQ(h.Active("a1"), 0u);
  auto events = h.Take();
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[0].type, RoutingEventType::kSessionEnded);
  EXPECT_EQ(events[0].end_reason, routing::EndReason::kTransferred);
  EXPECT_EQ(events[1].type, RoutingEventType::kAssigned);
  EXPECT_EQ(events[1].employee_id, "a2");
  EXPECT_EQ(events[1].strategy, "transfer");
  // The session's trace explains the latest assignment.
  auto session = h.router().Session(events[1].session_id);
  ASSERT_TRUE(session.has_value());
  EXPECT_EQ(h.router().TraceStrategy(*session->trace), "transfer");
  EXPECT_EQ(session->trace->cap.cap, 2u);
  EXPECT_EQ(session->trace->cap.origin, CapOrigin::kAgent);
  // a2 is now full: another transfer to it is refused and changes nothing.
  h.Contact("web", "c3");  // to a1
  h.Take();
  auto again = TransferCommand(h, "a1", h.SessionOf("a1"));
  again.to_agent = h.AgentIndex("a2");
  EXPECT_EQ(h.Run(again), StatusCode::kFailedPrecondition);
  EXPECT_EQ(h.Active("a1"), 1u);
}

TEST(TenantRouterTest, TransferToAQueueKeepsTheOriginalArrival) {
  RouterHarness h(TenantBuilder("t", 1)
                      .Ou("ou")
                      .Queue("sales")
                      .Queue("support")
                      .Agent("a1", "ou", {"sales"})
                      .Agent("a2", "ou", {"support"})
                      .Channel("s", "sales")
                      .Channel("p", "support")
                      .Build());
  h.SignInReady("a1");
  h.Contact("s", "early");  // t=0, to a1
  h.Advance(kSecond);
  h.Contact("p", "late");   // t=1, waits in support
  h.Take();
  auto c = TransferCommand(h, "a1", h.SessionOf("a1"));
  c.to_queue = 1;
  EXPECT_EQ(h.Run(c), StatusCode::kOk);
  EXPECT_EQ(h.router().WaitingInOrder(1).size(), 2u);
  h.SignInReady("a2");
  // "early" arrived first, so it is served first in its new queue.
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"early", "a2"}}));
}

TEST(TenantRouterTest, TransferErrorsNameWhatIsWrong) {
  RouterHarness h(TenantBuilder()
                      .Ou("ou")
                      .Queue("q")
                      .Queue("v", "least_busy", 60, 10, "", config::QueueMedia::kVoice)
                      .Agent("a1", "ou", {"q"})
                      .Agent("a2", "ou", {"q"})
                      .Agent("voice", "ou", {"v"}, std::nullopt, config::AgentType::kVoice)
                      .Channel("web", "q")
                      .Build());
  h.SignInReady("a1");
  h.Contact("web", "c1");
  h.Take();
  const std::uint64_t id = h.SessionOf("a1");
  auto check = [&](routing::AgentCommand c, StatusCode code, std::string_view error) {
    h.Run(c);
    auto results = h.Take(RoutingEventType::kCommandResult);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].result, code);
    EXPECT_EQ(results[0].error, error);
  };
  auto c = TransferCommand(h, "a1", id);
  check(c, StatusCode::kInvalidArgument, "a transfer needs a skill queue or an agent");
  c.to_agent = h.AgentIndex("a2");
  check(c, StatusCode::kFailedPrecondition, "the target agent is not ready");
  c.to_agent = h.AgentIndex("voice");
  check(c, StatusCode::kFailedPrecondition, "the target agent does not take multimedia sessions");
  c.to_agent = h.AgentIndex("a1");
  check(c, StatusCode::kInvalidArgument, "the session is already with that agent");
  c.to_agent = routing::kNone;
  c.to_queue = 1;
  check(c, StatusCode::kFailedPrecondition, "the target is a voice queue");
  auto other = TransferCommand(h, "a2", id);  // a2 does not hold it
  other.to_queue = 0;
  check(other, StatusCode::kNotFound, "no such session for this agent");
  EXPECT_EQ(h.Active("a1"), 1u);
}

TEST(TenantRouterTest, TransferToAQueueWhereOlderSessionsWaitDoesNotJumpTheLine) {
  // "older" arrives first, in "x" (no agents), and overflows into "b" after
  // 10 s with its original arrival. a1 (cap 1, queues a and b) holds
  // "current" meanwhile. When a1 transfers "current" to "b", a1 is free and
  // eligible in "b": "older" must be served before "current".
  RouterHarness h(TenantBuilder("t", 1)
                      .Ou("ou")
                      .Queue("x", "least_busy", 10, 100, "b")
                      .Queue("a")
                      .Queue("b")
                      .Agent("a1", "ou", {"a", "b"})
                      .Channel("cx", "x")
                      .Channel("ca", "a")
                      .Build());
  h.Contact("cx", "older");    // t=0
  h.Advance(kSecond);
  h.Contact("ca", "current");  // t=1
  h.SignInReady("a1");         // takes "current": "older" is not in a1's queues yet
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"current", "a1"}}));
  h.Advance(10 * kSecond);
  h.Tick();                    // "older" overflows into "b" and waits: a1 is full
  EXPECT_EQ(h.router().Queue(2).waiting, 1u);
  h.Take();
  auto c = TransferCommand(h, "a1", h.SessionOf("a1"));
  c.to_queue = 2;
  EXPECT_EQ(h.Run(c), StatusCode::kOk);
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"older", "a1"}}));
  EXPECT_EQ(h.router().WaitingInOrder(2).size(), 1u);  // "current" waits its turn
}

}  // namespace
}  // namespace routerd::testing
