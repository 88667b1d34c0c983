// Skills: an agent qualifies for a session only with every skill its queue and
// its channel require, at the level required or above; most_skilled prefers
// the higher total level. Sessions no free agent qualifies for wait without
// holding up the others.
#include <gtest/gtest.h>

#include "engine/routing/skill_match.h"
#include "engine/routing/tenant_router.h"
#include "tests/routing/router_harness.h"

namespace routerd::testing {
namespace {

using routing::AgentCommandType;
using Assignments = std::vector<std::pair<std::string, std::string>>;

config::SkillLevels Levels(std::vector<config::SkillLevel> levels) { return levels; }

TEST(SkillMatchTest, QualifiesNeedsEverySkillAtItsLevel) {
  const auto agent = Levels({{"billing", 3}, {"es", 7}});
  EXPECT_TRUE(routing::Qualifies(agent, {}));
  EXPECT_TRUE(routing::Qualifies(agent, Levels({{"es", 7}})));
  EXPECT_FALSE(routing::Qualifies(agent, Levels({{"es", 8}})));
  EXPECT_TRUE(routing::Qualifies(agent, Levels({{"billing", 1}, {"es", 5}})));
  EXPECT_FALSE(routing::Qualifies(agent, Levels({{"billing", 1}, {"de", 1}, {"es", 5}})));
  EXPECT_EQ(routing::LevelSum(agent, Levels({{"billing", 1}, {"de", 1}, {"es", 5}})), 10u);
  EXPECT_EQ(routing::LevelSum(agent, {}), 0u);
}

TEST(SkillMatchTest, MergeKeepsTheHigherLevel) {
  const auto merged = routing::MergeRequirements(Levels({{"a", 2}, {"c", 5}}), Levels({{"b", 1}, {"c", 7}}));
  EXPECT_EQ(merged, Levels({{"a", 2}, {"b", 1}, {"c", 7}}));
}

// Queue q; channel "es" requires Spanish 5. a-low speaks it at 3, a-high at 8,
// a-none not at all.
config::TenantConfig SpanishTenant(const std::string& strategy = "least_busy") {
  return TenantBuilder("t", 1)
      .Ou("ou")
      .Queue("q", strategy, 3600, 3)
      .Queue("other", "least_busy", 3600)
      .Agent("a-none", "ou", {"q"})
      .Agent("a-low", "ou", {"q"})
      .Skills({{"es", 3}})
      .Agent("a-high", "ou", {"q", "other"})
      .Skills({{"es", 8}})
      .Channel("web", "q")
      .Channel("es", "q")
      .ChannelRequires({{"es", 5}})
      .Channel("other", "other")
      .Build();
}

TEST(SkillsTest, ChannelRequirementWaitsForAQualifiedAgentWhileOthersAreFree) {
  RouterHarness h(SpanishTenant());
  h.SignInReady("a-none");
  h.SignInReady("a-low");
  h.Contact("es", "maria");
  EXPECT_TRUE(h.TakeAssignments().empty());
  const auto stats = h.router().Queue(0);
  EXPECT_EQ(stats.waiting, 1u);
  EXPECT_EQ(stats.eligible_agents, 2u);
  // A session without requirements is not held up behind it.
  h.Contact("web", "bob");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"bob", "a-none"}}));
  h.SignInReady("a-high");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"maria", "a-high"}}));
}

TEST(SkillsTest, AFreedAgentTakesTheFirstSessionItQualifiesFor) {
  RouterHarness h(SpanishTenant());
  h.SignInReady("a-low");
  h.Contact("web", "w0");
  h.Take();
  h.Contact("es", "e1");
  h.Advance(kSecond);
  h.Contact("web", "w1");
  h.Advance(kSecond);
  h.Contact("es", "e2");
  // a-low cannot take e1 or e2: freed, it gets w1 although e1 came first.
  ASSERT_EQ(h.Close("a-low", h.SessionOf("a-low")), StatusCode::kOk);
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"w1", "a-low"}}));
  // a-high can take any: the first in order, e1, then e2.
  h.SignInReady("a-high");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"e1", "a-high"}}));
  ASSERT_EQ(h.Close("a-high", h.SessionOf("a-high")), StatusCode::kOk);
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"e2", "a-high"}}));
}

TEST(SkillsTest, MaxWaitingCountsEverySessionOfTheQueue) {
  RouterHarness h(SpanishTenant());
  h.Contact("es", "e1");
  h.Contact("web", "w1");
  h.Contact("es", "e2");
  h.Contact("web", "w2");  // the fourth: max_waiting is 3
  auto leaves = h.Take(routing::RoutingEventType::kLeaveMessage);
  ASSERT_EQ(leaves.size(), 1u);
  EXPECT_EQ(leaves[0].contact->customer_id, "w2");
  EXPECT_EQ(h.router().Queue(0).waiting, 3u);
}

TEST(SkillsTest, MaxWaitOverflowsInOrderOfEntryAcrossRequirements) {
  auto tenant = SpanishTenant();
  tenant.skill_queues[0].max_wait_seconds = 10;
  RouterHarness h(tenant);
  h.Contact("es", "e1");
  h.Advance(kSecond);
  h.Contact("web", "w1");
  h.Advance(kSecond);
  h.Contact("es", "e2");
  h.Advance(10 * kSecond);
  h.Tick();
  std::vector<std::string> order;
  for (auto& e : h.Take(routing::RoutingEventType::kLeaveMessage)) order.push_back(e.contact->customer_id);
  EXPECT_EQ(order, (std::vector<std::string>{"e1", "w1", "e2"}));
}

TEST(SkillsTest, QueueRequirementExcludesMembersWithoutTheSkill) {
  auto tenant = SpanishTenant();
  tenant.skill_queues[0].required_skills = Levels({{"es", 2}});
  RouterHarness h(tenant);
  h.SignInReady("a-none");
  h.Contact("web", "w1");
  EXPECT_TRUE(h.TakeAssignments().empty());
  EXPECT_EQ(h.router().Queue(0).eligible_agents, 0u);
  h.SignInReady("a-low");  // es 3 >= 2
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"w1", "a-low"}}));
  // The channel's 5 and the queue's 2 together: only a-high.
  h.Contact("es", "e1");
  EXPECT_TRUE(h.TakeAssignments().empty());
  h.SignInReady("a-high");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"e1", "a-high"}}));
}

TEST(SkillsTest, MostSkilledPrefersTheHigherLevelUntilThatAgentIsFull) {
  auto tenant = SpanishTenant("most_skilled");
  tenant.max_concurrent_sessions = 3;
  tenant.skill_queues[0].required_skills = Levels({{"es", 1}});
  RouterHarness h(tenant);
  h.SignInReady("a-low");
  h.SignInReady("a-high");
  h.Contact("web", "w1");
  h.Contact("web", "w2");
  h.Contact("web", "w3");
  h.Contact("web", "w4");
  // a-high (8) until it is full, then a-low (3).
  EXPECT_EQ(h.TakeAssignments(),
            (Assignments{{"w1", "a-high"}, {"w2", "a-high"}, {"w3", "a-high"}, {"w4", "a-low"}}));
}

TEST(SkillsTest, MostSkilledWithoutRequirementsRanksAsLeastBusy) {
  auto tenant = SpanishTenant("most_skilled");
  tenant.max_concurrent_sessions = 3;
  RouterHarness h(tenant);
  h.SignInReady("a-low");
  h.SignInReady("a-high");
  h.Contact("web", "w1");
  h.Contact("web", "w2");
  h.Contact("web", "w3");
  // Every total is 0: the least busy, ties to the configuration order.
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"w1", "a-low"}, {"w2", "a-high"}, {"w3", "a-low"}}));
}

TEST(SkillsTest, TransferToAQueueKeepsTheChannelsRequirement) {
  RouterHarness h(SpanishTenant());
  h.SignInReady("a-high");
  h.Contact("es", "e1");
  ASSERT_EQ(h.TakeAssignments(), (Assignments{{"e1", "a-high"}}));
  // "other" requires nothing itself; the channel still requires Spanish 5.
  routing::AgentCommand c;
  c.type = AgentCommandType::kTransfer;
  c.target = h.AgentIndex("a-high");
  c.session_id = h.SessionOf("a-high");
  c.to_queue = h.router().FindQueue("other").value();
  c.correlation = 9;
  ASSERT_EQ(h.Run(c), StatusCode::kOk);
  // a-high was just freed and qualifies: it may take it back.
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"e1", "a-high"}}));
  EXPECT_EQ(h.router().Session(h.SessionOf("a-high"))->queue, h.router().FindQueue("other").value());
}

TEST(SkillsTest, RestoredAssignmentGoesBackOnlyToAQualifiedAgent) {
  RouterHarness h(SpanishTenant());
  auto contact = std::make_shared<routerd::Contact>();
  contact->customer_id = "e1";
  contact->text = "hola";
  routing::TenantRouter::RestoredSession lost;
  lost.id = (7ull << routing::kSessionSlotBits) | 0;
  lost.channel = h.router().FindChannel("es").value();
  lost.queue = 0;
  lost.agent = h.AgentIndex("a-low");  // no longer at level 5
  lost.arrival_ns = h.now();
  lost.contacts.push_back(contact);
  ASSERT_TRUE(h.router().Restore(lost, h.now()).ok());
  EXPECT_EQ(h.Active("a-low"), 0u);
  EXPECT_EQ(h.router().Queue(0).waiting, 1u);

  auto second = std::make_shared<routerd::Contact>();
  second->customer_id = "e2";
  second->text = "hola";
  routing::TenantRouter::RestoredSession kept = lost;
  kept.id = (8ull << routing::kSessionSlotBits) | 1;
  kept.contacts = {second};
  kept.agent = h.AgentIndex("a-high");
  ASSERT_TRUE(h.router().Restore(kept, h.now()).ok());
  h.router().FinishRestore(kept.id);
  EXPECT_EQ(h.Active("a-high"), 1u);
}

}  // namespace
}  // namespace routerd::testing
