// A reloaded file's agent changes (MergeAgentChanges): matched by employee_id,
// applied in the running order, routing changes told apart from names, a cap
// set at run time kept, added agents last or back in their old place, removed
// ones kept in place as retired, and nothing applied with new OUs or queues.
#include "engine/config/agent_changes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace routerd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

AgentConfig Agent(std::string id, std::string ou, std::vector<std::string> queues) {
  AgentConfig a;
  a.employee_id = id;
  a.business_account = id;
  a.ou = std::move(ou);
  a.skill_queues = std::move(queues);
  return a;
}

TenantConfig Running() {
  TenantConfig t;
  t.id = "acme";
  t.agents = {Agent("a1", "root", {"q"}), Agent("a2", "root", {"q"}), Agent("a3", "root", {"q"})};
  return t;
}

TEST(AgentChangesTest, TheFilesValuesInTheRunningOrder) {
  const TenantConfig running = Running();
  TenantConfig file = running;
  std::swap(file.agents[0], file.agents[2]);  // a3, a2, a1
  file.agents[2].skill_queues = {"q", "q2"};  // a1: routed
  file.agents[1].name = "Bea";                // a2: described only
  file.agents[0].max_concurrent_sessions = 4;  // a3: a cap (ApplyFileCaps')
  const AgentChanges changes = MergeAgentChanges(running, file, false);
  ASSERT_EQ(changes.tenant->agents.size(), 3u);
  EXPECT_EQ(changes.tenant->agents[0].employee_id, "a1");
  EXPECT_THAT(changes.tenant->agents[0].skill_queues, ElementsAre("q", "q2"));
  EXPECT_EQ(changes.tenant->agents[1].name, "Bea");
  EXPECT_EQ(changes.tenant->agents[2].max_concurrent_sessions, 4);
  EXPECT_THAT(changes.routed, ElementsAre(0u));
  EXPECT_EQ(changes.changed, 2u);
}

TEST(AgentChangesTest, AddedAgentsGoLastRemovedOnesStayInPlaceAndARunTimeCapKeepsWinning) {
  TenantConfig running = Running();
  running.agents[1].runtime_cap = true;
  running.agents[1].max_concurrent_sessions = 7;
  TenantConfig file = running;
  file.agents[1].runtime_cap = false;
  file.agents[1].max_concurrent_sessions = 2;
  file.agents[1].ou = "desk";
  file.agents.erase(file.agents.begin());            // a1 removed
  file.agents.push_back(Agent("a9", "root", {"q"}));  // a9 added
  AgentChanges changes = MergeAgentChanges(running, file, false);
  ASSERT_EQ(changes.tenant->agents.size(), 4u);
  EXPECT_EQ(changes.tenant->agents[0].employee_id, "a1");
  EXPECT_TRUE(changes.tenant->agents[0].retired);
  const AgentConfig& a2 = changes.tenant->agents[1];
  EXPECT_EQ(a2.ou, "desk");
  EXPECT_TRUE(a2.runtime_cap);
  EXPECT_EQ(a2.max_concurrent_sessions, 7);
  EXPECT_EQ(changes.tenant->agents[3].employee_id, "a9");
  EXPECT_THAT(changes.routed, ElementsAre(1u));
  EXPECT_THAT(changes.retired, ElementsAre(0u));
  EXPECT_THAT(changes.added, ElementsAre(3u));
  EXPECT_EQ(changes.changed, 3u);

  // The same file again: nothing to do. a1 back: its old place.
  const TenantConfig after = *changes.tenant;
  changes = MergeAgentChanges(after, file, false);
  EXPECT_EQ(changes.changed, 0u);
  file.agents.push_back(Agent("a1", "root", {"q"}));
  changes = MergeAgentChanges(after, file, false);
  EXPECT_THAT(changes.added, ElementsAre(0u));
  EXPECT_FALSE(changes.tenant->agents[0].retired);
  EXPECT_EQ(changes.tenant->agents.size(), 4u);
}

TEST(AgentChangesTest, WithNewOusOrQueuesNothingApplies) {
  const TenantConfig running = Running();
  TenantConfig file = running;
  file.agents[0].skill_queues = {"q2"};
  const AgentChanges changes = MergeAgentChanges(running, file, true);
  EXPECT_THAT(changes.routed, IsEmpty());
  EXPECT_EQ(changes.changed, 0u);
  EXPECT_THAT(changes.tenant->agents[0].skill_queues, ElementsAre("q"));
}

}  // namespace
}  // namespace routerd::config
