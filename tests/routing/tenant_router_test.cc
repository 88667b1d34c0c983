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

}  // namespace
}  // namespace routerd::testing
