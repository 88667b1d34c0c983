// Session priority: higher first, first come first served within a level,
// aging so that nothing waits forever, and a priority set at run time.
#include <gtest/gtest.h>

#include "engine/routing/tenant_router.h"
#include "tests/routing/router_harness.h"

namespace routerd::testing {
namespace {

using routing::AgentCommandType;
using routing::RoutingEventType;
using Assignments = std::vector<std::pair<std::string, std::string>>;

routerd::StatusCode SetPriority(RouterHarness& h, std::uint64_t session, std::optional<std::uint8_t> priority) {
  routing::AgentCommand c;
  c.type = AgentCommandType::kSetPriority;
  c.session_id = session;
  c.priority = priority;
  c.correlation = 77;
  return h.Run(c);
}

std::vector<std::string> WaitingCustomers(RouterHarness& h, std::uint32_t queue = 0) {
  std::vector<std::string> out;
  for (std::uint64_t id : h.router().WaitingInOrder(queue)) out.push_back((*h.router().Session(id)->first)->customer_id);
  return out;
}

// One agent with cap 1 serving q; "vip" brings priority 5, "web" none (the queue's 0).
config::TenantConfig VipTenant(int aging_seconds) {
  return TenantBuilder("t", 1)
      .Ou("ou")
      .Queue("q", "least_busy", 3600)
      .Priority(0, aging_seconds)
      .Queue("other", "least_busy", 3600)
      .Priority(4)
      .Agent("a1", "ou", {"q", "other"})
      .Channel("web", "q")
      .Channel("vip", "q")
      .ChannelPriority(5)
      .Build();
}

TEST(PriorityTest, HigherPriorityFirstAndFirstComeFirstServedWithinALevel) {
  RouterHarness h(VipTenant(60));
  h.Contact("web", "c1");
  h.Advance(kSecond);
  h.Contact("web", "c2");
  h.Advance(kSecond);
  h.Contact("vip", "v1");
  h.Advance(kSecond);
  h.Contact("vip", "v2");
  EXPECT_EQ(WaitingCustomers(h), (std::vector<std::string>{"v1", "v2", "c1", "c2"}));
  h.SignInReady("a1");
  Assignments served = h.TakeAssignments();
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(h.Close("a1", h.SessionOf("a1")), StatusCode::kOk);
    for (auto& a : h.TakeAssignments()) served.push_back(a);
  }
  EXPECT_EQ(served, (Assignments{{"v1", "a1"}, {"v2", "a1"}, {"c1", "a1"}, {"c2", "a1"}}));
}

TEST(PriorityTest, ALowerPriorityOvertakesOnceItHasWaitedLongEnough) {
  // One level is worth 10 s: priority 5 counts as arriving 50 s earlier.
  RouterHarness h(VipTenant(10));
  h.Contact("web", "old");  // t=0
  h.Advance(45 * kSecond);
  h.Contact("vip", "v-early");  // t=45: counts as t=-5, ahead of old
  h.Advance(10 * kSecond);
  h.Contact("vip", "v-late");  // t=55: counts as t=5, behind old
  EXPECT_EQ(WaitingCustomers(h), (std::vector<std::string>{"v-early", "old", "v-late"}));
  // The oldest time in the queue is old's, whatever the order.
  EXPECT_EQ(h.router().Queue(0).oldest_enqueued_ns, h.now() - 55 * kSecond);
}

TEST(PriorityTest, APrioritySetAtRunTimeMovesAWaitingSessionAndKeepsItsTimeInTheQueue) {
  RouterHarness h(VipTenant(60));
  h.Contact("web", "c1");
  h.Advance(kSecond);
  h.Contact("web", "c2");
  const std::uint64_t c2 = h.router().WaitingInOrder(0).at(1);
  const std::int64_t entered = h.router().Session(c2)->enqueued_ns;
  h.Advance(kSecond);
  EXPECT_EQ(SetPriority(h, c2, 3), StatusCode::kOk);
  EXPECT_EQ(WaitingCustomers(h), (std::vector<std::string>{"c2", "c1"}));
  EXPECT_EQ(h.router().Session(c2)->priority, 3);
  EXPECT_EQ(h.router().Session(c2)->priority_origin, routing::PriorityOrigin::kSession);
  EXPECT_EQ(h.router().Session(c2)->enqueued_ns, entered);
  // Cleared: back to its channel's (here the queue's) priority and its turn.
  EXPECT_EQ(SetPriority(h, c2, std::nullopt), StatusCode::kOk);
  EXPECT_EQ(WaitingCustomers(h), (std::vector<std::string>{"c1", "c2"}));
  EXPECT_EQ(h.router().Session(c2)->priority_origin, routing::PriorityOrigin::kQueue);
  EXPECT_EQ(SetPriority(h, c2, 10), StatusCode::kInvalidArgument);
  EXPECT_EQ(SetPriority(h, 12345, 1), StatusCode::kNotFound);
  // A run-time priority beats the channel's.
  h.Contact("vip", "v1");
  EXPECT_EQ(WaitingCustomers(h), (std::vector<std::string>{"v1", "c1", "c2"}));
  EXPECT_EQ(SetPriority(h, c2, 9), StatusCode::kOk);
  EXPECT_EQ(WaitingCustomers(h), (std::vector<std::string>{"c2", "v1", "c1"}));
  // The assignment's trace keeps the priority it was served with.
  h.SignInReady("a1");
  auto assigned = h.Take(RoutingEventType::kAssigned);
  ASSERT_EQ(assigned.size(), 1u);
  EXPECT_EQ(assigned[0].contact->customer_id, "c2");
  EXPECT_EQ(h.router().Session(c2)->trace->priority, 9);
}

TEST(PriorityTest, TheQueuesPriorityFollowsASessionToAnotherQueue) {
  RouterHarness h(VipTenant(60));
  h.SignInReady("a1");
  h.Contact("web", "c1");
  const std::uint64_t c1 = h.SessionOf("a1");
  EXPECT_EQ(h.router().Session(c1)->priority, 0);
  routing::AgentCommand transfer;
  transfer.type = AgentCommandType::kTransfer;
  transfer.target = h.AgentIndex("a1");
  transfer.session_id = c1;
  transfer.to_queue = *h.router().FindQueue("other");
  transfer.correlation = 5;
  ASSERT_EQ(h.Run(transfer), StatusCode::kOk);
  // Its channel sets none, so "other"'s 4 applies there; a vip keeps its 5.
  EXPECT_EQ(h.router().Session(c1)->priority, 4);
  // (a1 took c1 back from "other": the transfer freed its only unit.)
  h.Contact("vip", "v1");
  ASSERT_EQ(h.router().WaitingInOrder(0).size(), 1u);
  const auto v1 = h.router().Session(h.router().WaitingInOrder(0).at(0));
  EXPECT_EQ(v1->priority, 5);
  EXPECT_EQ(v1->priority_origin, routing::PriorityOrigin::kChannel);
}

}  // namespace
}  // namespace routerd::testing
