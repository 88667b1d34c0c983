// A reloaded configuration file's limits (TenantRouter::ApplyQueues,
// ApplyFileLimits): a queue's max_wait, max_waiting, after-contact work, sticky window, overflow
// target and priority, and the tenant's idle timeout, each applying to what
// comes next.
#include <gtest/gtest.h>

#include "tests/routing/router_harness.h"

namespace routerd::testing {
namespace {

using routing::LeaveReason;
using routing::RoutingEventType;

constexpr std::int64_t kSecond = 1'000'000'000;

// One queue "q" (max_wait `max_wait`, max_waiting `max_waiting`), an agent a1, a web channel.
TenantBuilder OneQueue(int max_wait = 60, int max_waiting = 1000) {
  TenantBuilder b("t", 1);
  b.IdleTimeout(1800);
  b.Ou("root");
  b.Queue("q", "least_busy", max_wait, max_waiting);
  b.Agent("a1", "root", {"q"});
  b.Channel("chat", "q");
  return b;
}

TEST(FileLimitsTest, ALowerMaxWaitOverflowsTheWaitingAtTheNextTick) {
  RouterHarness h(OneQueue(60).Build());
  h.Contact("chat", "c1");
  h.Advance(20 * kSecond);
  h.Tick();
  EXPECT_EQ(h.router().Queue(0).waiting, 1u);
  h.router().ApplyQueues(OneQueue(10).Build(), h.now());
  EXPECT_EQ(h.router().QueueMaxWaitNs(0), 10 * kSecond);
  h.Take();
  h.Tick();
  const auto left = h.Take(RoutingEventType::kLeaveMessage);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].leave_reason, LeaveReason::kMaxWait);
}

TEST(FileLimitsTest, ALowerMaxWaitingTurnsAwayNewSessionsOnly) {
  RouterHarness h(OneQueue(60, 3).Build());
  h.Contact("chat", "c1");
  h.Contact("chat", "c2");
  h.router().ApplyQueues(OneQueue(60, 1).Build(), h.now());
  EXPECT_EQ(h.router().Queue(0).waiting, 2u) << "the sessions already waiting stay";
  h.Take();
  h.Contact("chat", "c3");
  const auto left = h.Take(RoutingEventType::kLeaveMessage);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].leave_reason, LeaveReason::kQueueFull);
}

TEST(FileLimitsTest, AfterContactWorkAppliesToSessionsClosedFromThenOn) {
  RouterHarness h(OneQueue().Build());
  h.SignInReady("a1");
  h.Contact("chat", "c1");
  ASSERT_EQ(h.TakeAssignments().size(), 1u);
  TenantBuilder file = OneQueue();
  file.WrapUp(30);
  h.router().ApplyQueues(file.Build(), h.now());
  EXPECT_EQ(h.router().QueueWrapUpNs(0), 30 * kSecond);
  ASSERT_EQ(h.Close("a1", h.SessionOf("a1", 0)), StatusCode::kOk);
  const auto a1 = h.router().Agent(h.AgentIndex("a1"));
  ASSERT_EQ(a1.wrap_ups.size(), 1u);
  EXPECT_EQ(a1.wrap_ups[0].until_ns, h.now() + 30 * kSecond);
}

TEST(FileLimitsTest, ALowerIdleTimeoutEndsIdleSessionsAtTheNextTick) {
  RouterHarness h(OneQueue().Build());
  h.SignInReady("a1");
  h.Contact("chat", "c1");
  ASSERT_EQ(h.TakeAssignments().size(), 1u);
  h.Advance(120 * kSecond);
  h.Tick();
  EXPECT_EQ(h.router().open_sessions(), 1u);
  TenantBuilder file = OneQueue();
  file.IdleTimeout(60);
  h.router().ApplyFileLimits(file.Build());
  EXPECT_EQ(h.router().IdleTimeoutNs(), 60 * kSecond);
  h.Tick();
  const auto ended = h.Take(RoutingEventType::kSessionEnded);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].end_reason, routing::EndReason::kIdleTimeout);
  EXPECT_EQ(h.router().open_sessions(), 0u);
}

TEST(FileLimitsTest, EveryLaneOfAQueueTakesTheLimits) {
  auto build = [](int max_wait) {
    TenantBuilder b("t", 1);
    b.Ou("root");
    b.Queue("q", "least_busy", max_wait);
    b.Agent("a1", "root", {"q"});
    b.Channel("chat", "q");
    b.Channel("vip", "q").ChannelRequires({{"vip", 2, 0}});
    return b;
  };
  RouterHarness h(build(60).Build());
  h.Contact("vip", "c1");  // waits in the queue's vip lane
  TenantBuilder file = build(5);
  file.Queue("new-queue", "least_busy", 1);
  h.router().ApplyQueues(file.Build(), h.now());
  EXPECT_TRUE(h.router().FindQueue("new-queue").has_value());
  h.Advance(6 * kSecond);
  h.Take();
  h.Tick();
  EXPECT_EQ(h.Take(RoutingEventType::kLeaveMessage).size(), 1u);
}

TEST(FileLimitsTest, AnotherOverflowTargetAppliesToSessionsThatOverflowFromThenOn) {
  // q overflows to leave messages, then to "spare".
  auto build = [](std::string overflow) {
    TenantBuilder b("t", 1);
    b.Ou("root");
    b.Queue("q", "least_busy", 60, 1000, overflow);
    b.Queue("spare");
    b.Agent("a1", "root", {"q"});
    b.Channel("chat", "q");
    return b.Build();
  };
  RouterHarness h(build(""));
  routing::TenantRouter& r = h.router();
  h.Contact("chat", "c1");
  r.ApplyQueues(build("spare"), h.now());
  h.Advance(61 * kSecond);
  h.Take();
  h.Tick();
  EXPECT_TRUE(h.Take(RoutingEventType::kLeaveMessage).empty()) << "it overflows into spare now";
  EXPECT_EQ(r.Queue(*r.FindQueue("spare")).waiting, 1u);
  EXPECT_EQ(r.Queue(0).waiting, 0u);
}

TEST(FileLimitsTest, AnotherPriorityOfTheQueueReordersItsWaitingSessions) {
  // One queue "q" (an aging of 60 s) and two channels into it: "chat" with
  // the queue's priority, "gold" with priority 2.
  auto build = [](int priority) {
    TenantBuilder b("t", 1);
    b.Ou("root");
    b.Queue("q").Priority(priority, 60);
    b.Agent("a1", "root", {"q"});
    b.Channel("chat", "q");
    b.Channel("gold", "q").ChannelPriority(2);
    return b.Build();
  };
  RouterHarness h(build(0));
  routing::TenantRouter& r = h.router();
  h.Contact("chat", "c1");
  h.Advance(30 * kSecond);
  h.Contact("gold", "g1");  // two agings ahead: served before c1
  h.Take();
  // The queue's priority 3 for the sessions of "chat": c1 goes first again.
  r.ApplyQueues(build(3), h.now());
  std::uint8_t c1_priority = 0;
  r.ForEachSession([&](const routing::SessionView& s) {
    if ((*s.first)->customer_id == "c1") c1_priority = s.priority;
  });
  EXPECT_EQ(c1_priority, 3);
  h.SignInReady("a1");
  EXPECT_EQ(h.TakeAssignments(), (std::vector<std::pair<std::string, std::string>>{{"c1", "a1"}}));
}

}  // namespace
}  // namespace routerd::testing
