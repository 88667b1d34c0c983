// Agent states beyond ready / not ready: reasons for not being ready,
// after-contact work, and the two clocks of a waiting session; and longest_idle
// counting from when an agent last had capacity free.
#include <gtest/gtest.h>

#include "engine/routing/tenant_router.h"
#include "tests/routing/router_harness.h"

namespace routerd::testing {
namespace {

using routing::AgentCommandType;
using routing::AgentState;
using routing::RoutingEventType;
using Assignments = std::vector<std::pair<std::string, std::string>>;

routerd::StatusCode NotReady(RouterHarness& h, const std::string& agent, std::uint8_t reason) {
  routing::AgentCommand c;
  c.type = AgentCommandType::kNotReady;
  c.target = h.AgentIndex(agent);
  c.reason = reason;
  c.correlation = 99;
  return h.Run(c);
}

TEST(AgentStatesTest, LongestIdleCountsFromWhenTheAgentLastBecameFree) {
  RouterHarness h(TenantBuilder("t", 1)
                      .Ou("ou")
                      .Queue("q", "longest_idle")
                      .Agent("b2", "ou", {"q"})
                      .Agent("b3", "ou", {"q"})
                      .Channel("web", "q")
                      .Build());
  h.SignInReady("b2");
  h.SignInReady("b3");
  h.Contact("web", "c1");  // to b2: it became ready first
  h.Advance(kSecond);
  h.Contact("web", "c2");  // to b3, assigned after b2
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"c1", "b2"}, {"c2", "b3"}}));
  const std::uint64_t s2 = h.SessionOf("b2"), s3 = h.SessionOf("b3");
  h.Advance(kSecond);
  ASSERT_EQ(h.Close("b3", s3), StatusCode::kOk);  // b3 is free first...
  h.Advance(kSecond);
  ASSERT_EQ(h.Close("b2", s2), StatusCode::kOk);  // ...b2 later, though its last assignment is older
  h.Take();
  h.Advance(kSecond);
  h.Contact("web", "c3");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"c3", "b3"}}));
}

TEST(AgentStatesTest, AnAgentBelowItsCapKeepsItsIdleStretchWhenASessionEnds) {
  // Cap 2. a1 took a session at t=2 and has had a unit free ever since; a2
  // filled up through another queue and was freed at t=5. a1 closing its own
  // session later does not make it "newly free": it goes first.
  RouterHarness h(TenantBuilder("t", 2)
                      .Ou("ou")
                      .Queue("q", "longest_idle")
                      .Queue("p")
                      .Agent("a1", "ou", {"q"})
                      .Agent("a2", "ou", {"q", "p"})
                      .Channel("web", "q")
                      .Channel("phone_web", "p")
                      .Build());
  h.SignInReady("a1");
  h.Advance(kSecond);
  h.SignInReady("a2");
  h.Advance(kSecond);
  h.Contact("web", "c1");  // a1, t=2
  h.Advance(kSecond);
  h.Contact("phone_web", "p1");  // a2, t=3
  h.Advance(kSecond);
  h.Contact("phone_web", "p2");  // a2, t=4: at its cap
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"c1", "a1"}, {"p1", "a2"}, {"p2", "a2"}}));
  h.Advance(kSecond);
  ASSERT_EQ(h.Close("a2", h.SessionOf("a2")), StatusCode::kOk);  // a2 free again at t=5
  h.Advance(kSecond);
  ASSERT_EQ(h.Close("a1", h.SessionOf("a1")), StatusCode::kOk);  // t=6, a1 was never full
  h.Take();
  h.Advance(kSecond);
  h.Contact("web", "c2");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"c2", "a1"}}));
}

TEST(AgentStatesTest, NotReadyCarriesAConfiguredReasonUntilTheAgentIsReadyAgain) {
  RouterHarness h(TenantBuilder()
                      .NotReadyReasons({"break", "lunch"})
                      .Ou("ou")
                      .Queue("q")
                      .Agent("a1", "ou", {"q"})
                      .Channel("web", "q")
                      .Build());
  EXPECT_EQ(NotReady(h, "a1", 2), StatusCode::kFailedPrecondition);  // signed out
  h.SignInReady("a1");
  h.Take();
  EXPECT_EQ(NotReady(h, "a1", 2), StatusCode::kOk);
  auto states = h.Take(RoutingEventType::kAgentState);
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].agent_state, AgentState::kNotReady);
  EXPECT_EQ(states[0].not_ready_reason, "lunch");
  EXPECT_EQ(h.router().Agent(0).not_ready_reason, "lunch");
  // Another reason while not ready is a change of its own.
  EXPECT_EQ(NotReady(h, "a1", 1), StatusCode::kOk);
  states = h.Take(RoutingEventType::kAgentState);
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].not_ready_reason, "break");
  // Only configured reasons: 3 is past the list.
  EXPECT_EQ(NotReady(h, "a1", 3), StatusCode::kInvalidArgument);
  EXPECT_EQ(h.router().Agent(0).not_ready_reason, "break");
  // Not ready receives nothing; ready clears the reason.
  h.Contact("web", "c1");
  EXPECT_TRUE(h.TakeAssignments().empty());
  ASSERT_EQ(h.Command(AgentCommandType::kReady, "a1"), StatusCode::kOk);
  EXPECT_EQ(h.router().Agent(0).not_ready_reason, "");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"c1", "a1"}}));
  // Not ready without a reason stays allowed.
  EXPECT_EQ(NotReady(h, "a1", 0), StatusCode::kOk);
  EXPECT_EQ(h.router().Agent(0).not_ready_reason, "");
}

TEST(AgentStatesTest, AfterContactWorkHoldsTheUnitUntilItExpires) {
  RouterHarness h(TenantBuilder("t", 1)
                      .Ou("ou")
                      .Queue("q")
                      .WrapUp(30)
                      .Agent("a1", "ou", {"q"})
                      .Channel("web", "q")
                      .Build());
  h.SignInReady("a1");
  h.Contact("web", "c1");
  const std::uint64_t s1 = h.SessionOf("a1");
  h.Contact("web", "c2");  // waits: a1 is at its cap
  h.Take();
  ASSERT_EQ(h.Close("a1", s1), StatusCode::kOk);
  auto events = h.Take();
  // The session ends, saying what it left; the agent still holds the unit.
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[0].type, RoutingEventType::kSessionEnded);
  EXPECT_EQ(events[0].wrap_up_ns, 30 * kSecond);
  EXPECT_EQ(events[0].active_sessions, 0u);
  EXPECT_EQ(events[0].wrap_ups, 1u);
  EXPECT_EQ(events[1].type, RoutingEventType::kAgentState);
  EXPECT_EQ(events[1].wrap_ups, 1u);
  for (const auto& e : events) EXPECT_NE(e.type, RoutingEventType::kAssigned);
  auto view = h.router().Agent(0);
  ASSERT_EQ(view.wrap_ups.size(), 1u);
  EXPECT_EQ(view.wrap_ups[0].session_id, s1);
  EXPECT_EQ(view.wrap_ups[0].until_ns, h.now() + 30 * kSecond);
  EXPECT_EQ(view.load(), 1u);
  EXPECT_EQ(h.router().Queue(0).eligible_agents, 0u);

  h.Advance(29 * kSecond);
  h.Tick();
  EXPECT_TRUE(h.TakeAssignments().empty());
  h.Advance(kSecond);
  h.Tick();  // the work is over: c2 goes to a1 in the same tick
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"c2", "a1"}}));
  EXPECT_TRUE(h.router().Agent(0).wrap_ups.empty());
}

TEST(AgentStatesTest, TheAgentMayEndItsAfterContactWorkEarly) {
  RouterHarness h(TenantBuilder("t", 2)
                      .Ou("ou")
                      .Queue("q")
                      .WrapUp(120)
                      .Agent("a1", "ou", {"q"})
                      .Channel("web", "q")
                      .Build());
  h.SignInReady("a1");
  h.Contact("web", "c1");
  h.Contact("web", "c2");
  const std::uint64_t s1 = h.SessionOf("a1", 0), s2 = h.SessionOf("a1", 1);
  ASSERT_EQ(h.Close("a1", s1), StatusCode::kOk);
  ASSERT_EQ(h.Close("a1", s2), StatusCode::kOk);
  h.Contact("web", "c3");
  h.Contact("web", "c4");
  h.Take();
  EXPECT_EQ(h.router().Agent(0).wrap_ups.size(), 2u);
  // One by session id: one unit comes back and serves c3.
  EXPECT_EQ(h.Command(AgentCommandType::kEndWrapUp, "a1", std::nullopt, s2), StatusCode::kOk);
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"c3", "a1"}}));
  EXPECT_EQ(h.Command(AgentCommandType::kEndWrapUp, "a1", std::nullopt, s2), StatusCode::kNotFound);
  // All at once (session 0): c4 follows.
  EXPECT_EQ(h.Command(AgentCommandType::kEndWrapUp, "a1", std::nullopt, 0), StatusCode::kOk);
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"c4", "a1"}}));
  EXPECT_EQ(h.Command(AgentCommandType::kEndWrapUp, "a1", std::nullopt, 0), StatusCode::kNotFound);
  // The deadlines of work ended early are stale: their tick changes nothing.
  h.Advance(200 * kSecond);
  h.Tick();
  EXPECT_EQ(h.Active("a1"), 2u);
}

TEST(AgentStatesTest, TransfersAndSignOutLeaveNoAfterContactWork) {
  RouterHarness h(TenantBuilder("t", 1)
                      .Ou("ou")
                      .Queue("q")
                      .WrapUp(60)
                      .Queue("other")
                      .Agent("a1", "ou", {"q"})
                      .Agent("a2", "ou", {"q"})
                      .Channel("web", "q")
                      .Build());
  h.SignInReady("a1");
  h.Contact("web", "c1");
  const std::uint64_t s1 = h.SessionOf("a1");
  routing::AgentCommand transfer;
  transfer.type = AgentCommandType::kTransfer;
  transfer.target = h.AgentIndex("a1");
  transfer.session_id = s1;
  transfer.to_queue = *h.router().FindQueue("other");
  transfer.correlation = 7;
  ASSERT_EQ(h.Run(transfer), StatusCode::kOk);
  EXPECT_TRUE(h.router().Agent(0).wrap_ups.empty());  // the session goes on elsewhere
  h.Contact("web", "c2");
  ASSERT_EQ(h.Close("a1", h.SessionOf("a1")), StatusCode::kOk);
  EXPECT_EQ(h.router().Agent(0).wrap_ups.size(), 1u);
  ASSERT_EQ(h.Command(AgentCommandType::kSignOut, "a1"), StatusCode::kOk);
  EXPECT_TRUE(h.router().Agent(0).wrap_ups.empty());
  // Back, with all of its capacity.
  h.Take();
  h.SignInReady("a1");
  h.Contact("web", "c3");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"c3", "a1"}}));
}

TEST(AgentStatesTest, AnIdleTimeoutLeavesAfterContactWorkToo) {
  RouterHarness h(TenantBuilder("t", 1)
                      .IdleTimeout(60)
                      .Ou("ou")
                      .Queue("q", "least_busy", 3600)
                      .WrapUp(10)
                      .Agent("a1", "ou", {"q"})
                      .Channel("web", "q")
                      .Build());
  h.SignInReady("a1");
  h.Contact("web", "c1");
  h.Take();
  h.Advance(60 * kSecond);
  h.Tick();
  auto ended = h.Take(RoutingEventType::kSessionEnded);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].end_reason, routing::EndReason::kIdleTimeout);
  EXPECT_EQ(ended[0].wrap_up_ns, 10 * kSecond);
  EXPECT_EQ(h.router().Agent(0).load(), 1u);
}

TEST(AgentStatesTest, OldestWaitCountsFromTheLastEntryIntoTheQueue) {
  RouterHarness h(TenantBuilder("t", 1)
                      .Ou("ou")
                      .Queue("q", "least_busy", 60)
                      .Agent("a1", "ou", {"q"})
                      .Channel("web", "q")
                      .Build());
  const std::int64_t start = h.now();
  h.Contact("web", "c1");
  h.Advance(40 * kSecond);
  h.SignInReady("a1");  // c1 assigned after 40 s
  h.Advance(50 * kSecond);
  ASSERT_EQ(h.Command(AgentCommandType::kSignOut, "a1"), StatusCode::kOk);  // c1 back in q at t=90
  h.Advance(10 * kSecond);
  const auto stats = h.router().Queue(0);
  ASSERT_EQ(stats.waiting, 1u);
  EXPECT_EQ(stats.oldest_arrival_ns, start);                   // its turn: the first arrival
  EXPECT_EQ(stats.oldest_enqueued_ns, start + 90 * kSecond);  // its time in the queue: 10 s
  const auto session = h.router().Session(h.router().WaitingInOrder(0).at(0));
  EXPECT_EQ(session->arrival_ns, start);
  EXPECT_EQ(session->enqueued_ns, start + 90 * kSecond);
  // max_wait counts the same 10 s, not the 100 s since the first arrival.
  h.Tick();
  EXPECT_TRUE(h.Take(RoutingEventType::kLeaveMessage).empty());
  h.Advance(50 * kSecond);
  h.Tick();
  EXPECT_EQ(h.Take(RoutingEventType::kLeaveMessage).size(), 1u);
}

}  // namespace
}  // namespace routerd::testing
