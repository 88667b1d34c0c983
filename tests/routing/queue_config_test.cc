// Skill queues added, changed and removed while the tenant works
// (TenantRouter::ApplyQueues, RetireQueues): an added queue gets its lanes
// (every lane after it moves up, sessions waiting in them included) and
// serves the agents that join it; a queue's strategy and required skills
// change at once; a removed queue is no queue from then on, and what still
// waits in it leaves by its overflow. Channels are added and removed, and a
// channel's queue, priority and required skills apply to what arrives next
// (TenantRouter::ApplyChannels).
#include <gtest/gtest.h>

#include "tests/routing/router_harness.h"

namespace routerd::testing {
namespace {

using routing::LeaveReason;
using routing::RoutingEventType;
using Assignments = std::vector<std::pair<std::string, std::string>>;

constexpr std::int64_t kSecond = 1'000'000'000;

// Queues "q" and "r"; a1 serves q with the skill vip, a2 serves r. Channel
// "chat" goes to q, "vip" to q for agents with vip, "rchat" to r: so every
// queue has a skill lane, after the first lanes.
TenantBuilder TwoQueuesWithSkillLanes() {
  TenantBuilder b("t", 5);
  b.Ou("root");
  b.Queue("q", "least_busy", 60);
  b.Queue("r");
  b.Agent("a1", "root", {"q"}).Skills({{"vip", 1, 0}});
  b.Agent("a2", "root", {"r"});
  b.Channel("chat", "q");
  b.Channel("vip", "q").ChannelRequires({{"vip", 1, 0}});
  b.Channel("rchat", "r");
  return b;
}

config::SkillQueueConfig& QueueOf(config::TenantConfig& t, const std::string& id) {
  for (config::SkillQueueConfig& q : t.skill_queues) {
    if (q.id == id) return q;
  }
  ADD_FAILURE() << "no queue " << id;
  return t.skill_queues.front();
}

config::AgentConfig& EditableAgent(config::TenantConfig& t, const std::string& id) {
  for (config::AgentConfig& a : t.agents) {
    if (a.employee_id == id) return a;
  }
  ADD_FAILURE() << "no agent " << id;
  return t.agents.front();
}

TEST(QueueConfigTest, AnAddedQueueMovesTheLanesAfterItAndServesTheAgentsThatJoinIt) {
  config::TenantConfig tenant = TwoQueuesWithSkillLanes().Build();
  RouterHarness h(tenant);
  routing::TenantRouter& r = h.router();
  // Waiting before the change: one session in each lane that moves.
  h.Contact("vip", "v1");
  h.Contact("rchat", "r1");
  h.Contact("chat", "c1");

  config::SkillQueueConfig sales;
  sales.id = "sales";
  sales.strategy = "longest_idle";
  tenant.skill_queues.push_back(sales);
  r.ApplyQueues(tenant, h.now());
  ASSERT_EQ(r.FindQueue("sales"), 2u);
  EXPECT_EQ(r.queue_count(), 3u);
  EXPECT_EQ(r.Queue(0).waiting, 2u) << "q keeps both of its sessions, in both lanes";
  EXPECT_EQ(r.Queue(1).waiting, 1u);
  EXPECT_EQ(r.Queue(2).waiting, 0u);

  // The waiting sessions are still where their agents find them.
  h.SignInReady("a1");
  h.SignInReady("a2");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"v1", "a1"}, {"c1", "a1"}, {"r1", "a2"}}));

  // q overflows into sales now; a3 (with vip) joins sales.
  QueueOf(tenant, "q").max_wait_seconds = 1;
  QueueOf(tenant, "q").on_overflow = {config::OverflowTarget::Kind::kQueue, "sales"};
  r.ApplyQueues(tenant, h.now());
  config::AgentConfig a3;
  a3.employee_id = a3.business_account = "a3";
  a3.ou = "root";
  a3.skill_queues = {"sales"};
  a3.skills = {{"vip", 1, 0}};
  tenant.agents.push_back(a3);
  ASSERT_EQ(r.AddAgent(a3, h.now()), 2u);
  ASSERT_EQ(h.Close("a1", h.SessionOf("a1", 0)), StatusCode::kOk);
  ASSERT_EQ(h.Close("a1", h.SessionOf("a1", 0)), StatusCode::kOk);
  h.Take();
  // a1 goes on break: a vip session overflows into sales's vip lane, where a3 serves it.
  ASSERT_EQ(h.Command(routing::AgentCommandType::kNotReady, "a1"), StatusCode::kOk);
  h.Contact("vip", "v2");
  h.Advance(2 * kSecond);
  h.Tick();
  EXPECT_EQ(h.TakeAssignments(), Assignments{}) << "a3 is signed out";
  EXPECT_EQ(r.Queue(2).waiting, 1u);
  h.SignInReady("a3");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"v2", "a3"}}));
}

TEST(QueueConfigTest, AnotherStrategyAndOtherRequiredSkillsApplyAtOnce) {
  config::TenantConfig tenant = TwoQueuesWithSkillLanes().Build();
  RouterHarness h(tenant);
  routing::TenantRouter& r = h.router();
  h.SignInReady("a1");
  // q requires French now, which a1 lacks: a1 leaves its lanes.
  QueueOf(tenant, "q").required_skills = {{"fr", 1, 0}};
  QueueOf(tenant, "q").strategy = "round_robin";
  r.ApplyQueues(tenant, h.now());
  EXPECT_EQ(r.TraceStrategy(routing::RouteTrace{{}, 0, false, 0, {}, {}, 0}), "round_robin");
  h.Contact("chat", "c1");
  EXPECT_EQ(h.TakeAssignments(), Assignments{});
  EXPECT_EQ(r.Queue(0).waiting, 1u);
  // a1 learns French: it joins again and is offered what waits.
  EditableAgent(tenant, "a1").skills = {{"fr", 2, 0}, {"vip", 1, 0}};  // sorted, as the loader keeps them
  r.ApplyAgentConfig(h.AgentIndex("a1"), EditableAgent(tenant, "a1"), h.now());
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"c1", "a1"}}));
}

TEST(QueueConfigTest, ARemovedQueueIsNoQueueAndWhatWaitsInItLeavesByItsOverflow) {
  config::TenantConfig tenant = TwoQueuesWithSkillLanes().Build();
  QueueOf(tenant, "r").max_wait_seconds = 5;
  RouterHarness h(tenant);
  routing::TenantRouter& r = h.router();
  h.Contact("rchat", "r1");
  // The file takes r away from a2, and r itself (its channel stays in the
  // router until a restart, so sessions already there wait out their time).
  EditableAgent(tenant, "a2").skill_queues = {"q"};
  QueueOf(tenant, "r").retired = true;
  r.ApplyQueues(tenant, h.now());
  r.ApplyAgentConfig(h.AgentIndex("a2"), EditableAgent(tenant, "a2"), h.now());
  r.RetireQueues(tenant);
  EXPECT_FALSE(r.FindQueue("r").has_value());
  EXPECT_TRUE(r.QueueRetired(1));
  h.SignInReady("a2");
  EXPECT_EQ(h.TakeAssignments(), Assignments{}) << "a2 no longer serves r";
  h.Advance(6 * kSecond);
  h.Tick();
  const auto left = h.Take(RoutingEventType::kLeaveMessage);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].leave_reason, LeaveReason::kMaxWait);

  // It comes back in its old place, with its keys.
  QueueOf(tenant, "r").retired = false;
  QueueOf(tenant, "r").max_wait_seconds = 9;
  r.ApplyQueues(tenant, h.now());
  EXPECT_EQ(r.FindQueue("r"), 1u);
  EXPECT_EQ(r.QueueMaxWaitNs(1), 9 * kSecond);
}

TEST(QueueConfigTest, AResetKeepsTheQueuesAddedAtRunTime) {
  config::TenantConfig tenant = TwoQueuesWithSkillLanes().Build();
  RouterHarness h(tenant);
  routing::TenantRouter& r = h.router();
  config::SkillQueueConfig sales;
  sales.id = "sales";
  tenant.skill_queues.push_back(sales);
  r.ApplyQueues(tenant, h.now());
  EditableAgent(tenant, "a2").skill_queues = {"r", "sales"};
  r.ApplyAgentConfig(h.AgentIndex("a2"), EditableAgent(tenant, "a2"), h.now());
  r.Reset();
  EXPECT_EQ(r.FindQueue("sales"), 2u);
  h.SignInReady("a1");
  h.Contact("vip", "v1");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"v1", "a1"}}));
}

TEST(QueueConfigTest, AChannelTakesAnotherQueuePriorityAndSkillsForWhatArrivesNext) {
  config::TenantConfig tenant = TwoQueuesWithSkillLanes().Build();
  RouterHarness h(tenant);
  routing::TenantRouter& r = h.router();
  h.SignInReady("a2");
  h.Contact("chat", "c1");  // waits in q: a1 is signed out
  EXPECT_EQ(h.TakeAssignments(), Assignments{});

  // chat goes to r (a2's) now, requiring French, which a2 has: a new class,
  // with its lanes in every queue.
  config::ChannelConfig& chat = tenant.channels[0];
  chat.skill_queue = "r";
  chat.required_skills = {{"fr", 1, 0}};
  EditableAgent(tenant, "a2").skills = {{"fr", 1, 0}};
  r.ApplyAgentConfig(h.AgentIndex("a2"), EditableAgent(tenant, "a2"), h.now());
  r.ApplyChannels(tenant, h.now());
  EXPECT_EQ(r.Queue(0).waiting, 1u) << "c1 stays where it waits";
  h.Contact("chat", "c2");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"c2", "a2"}}));

  // A priority for rchat: its waiting sessions move ahead of chat's.
  ASSERT_EQ(h.Command(routing::AgentCommandType::kNotReady, "a2"), StatusCode::kOk);
  h.Contact("chat", "c3");
  h.Contact("rchat", "r1");
  tenant.channels[2].priority = 5;
  r.ApplyChannels(tenant, h.now());
  ASSERT_EQ(h.Command(routing::AgentCommandType::kReady, "a2"), StatusCode::kOk);
  const Assignments served = h.TakeAssignments();
  ASSERT_FALSE(served.empty());
  EXPECT_EQ(served.front(), (std::pair<std::string, std::string>{"r1", "a2"}));
}

TEST(QueueConfigTest, AnAddedChannelServesAtOnceAndARemovedOneIsNoChannel) {
  config::TenantConfig tenant = TwoQueuesWithSkillLanes().Build();
  RouterHarness h(tenant);
  routing::TenantRouter& r = h.router();
  h.SignInReady("a2");
  config::ChannelConfig mail;
  mail.id = "mail";
  mail.kind = "email";
  mail.skill_queue = "r";
  mail.required_skills = {{"es", 2, 0}};  // a set no channel required before
  tenant.channels.push_back(mail);
  EditableAgent(tenant, "a2").skills = {{"es", 3, 0}};
  r.ApplyAgentConfig(h.AgentIndex("a2"), EditableAgent(tenant, "a2"), h.now());
  r.ApplyChannels(tenant, h.now());
  ASSERT_EQ(r.FindChannel("mail"), 3u);
  h.Contact("mail", "m1");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"m1", "a2"}}));

  // Removed: no channel from then on; the session it brought ends as usual.
  tenant.channels.back().retired = true;
  r.ApplyChannels(tenant, h.now());
  EXPECT_FALSE(r.FindChannel("mail").has_value());
  ASSERT_EQ(h.Close("a2", h.SessionOf("a2", 0)), StatusCode::kOk);
  EXPECT_EQ(r.open_sessions(), 0u);
}

}  // namespace
}  // namespace routerd::testing
