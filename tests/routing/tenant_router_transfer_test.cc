// The tenant router's transfers: to an agent with room, to a queue (keeping
// the original arrival, without jumping the line), and the errors of each.
#include "engine/routing/tenant_router.h"

#include <gtest/gtest.h>

#include "tests/routing/router_harness.h"

namespace routerd::testing {
namespace {

using routing::AgentCommandType;
using routing::CapOrigin;
using routing::RoutingEventType;
using Assignments = std::vector<std::pair<std::string, std::string>>;

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
