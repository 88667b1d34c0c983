// Skill queues defined at run time and a reloaded file's queue changes: a
// queue read by the file's rules (ReadSkillQueueDefinition), the queues
// checked together with retired ones left out (SkillQueueErrors);
// MergeQueueChanges matches by id in the running order, adds new queues last
// or back in their old place, keeps removed ones in place as retired, and
// applies nothing with a new access mode; QueuesWithOtherMedia names the
// queues whose media a file changes.
#include "engine/config/queue_changes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/config/agent_definition.h"

namespace routerd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

SkillQueueConfig QueueOf(std::string id, std::string overflow = "") {
  SkillQueueConfig q;
  q.id = std::move(id);
  if (!overflow.empty()) q.on_overflow = {OverflowTarget::Kind::kQueue, std::move(overflow)};
  return q;
}

TenantConfig RunningQueues() {
  TenantConfig t;
  t.id = "acme";
  t.skill_queues = {QueueOf("general"), QueueOf("vip", "general"), QueueOf("night")};
  return t;
}

TEST(QueueChangesTest, ChangesAreMatchedByIdInTheRunningOrder) {
  const TenantConfig running = RunningQueues();
  TenantConfig file;
  file.id = "acme";
  // Reordered, vip with another strategy, night gone, sales new.
  file.skill_queues = {QueueOf("sales"), QueueOf("vip", "general"), QueueOf("general")};
  file.skill_queues[1].strategy = "round_robin";
  const QueueChanges changes = MergeQueueChanges(running, file, /*structure_changed=*/false);
  const std::vector<SkillQueueConfig>& q = changes.tenant->skill_queues;
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[0].id, "general");
  EXPECT_EQ(q[1].id, "vip");
  EXPECT_EQ(q[1].strategy, "round_robin");
  EXPECT_EQ(q[2].id, "night");
  EXPECT_TRUE(q[2].retired);
  EXPECT_EQ(q[3].id, "sales");
  EXPECT_THAT(changes.added, ElementsAre(3u));
  EXPECT_THAT(changes.retired, ElementsAre(2u));
  EXPECT_THAT(changes.changed, ElementsAre(1u));

  // night comes back in its old place; nothing changes with a new access mode.
  file.skill_queues.push_back(QueueOf("night"));
  const QueueChanges back = MergeQueueChanges(*changes.tenant, file, false);
  EXPECT_THAT(back.added, ElementsAre(2u));
  EXPECT_FALSE(back.tenant->skill_queues[2].retired);
  const QueueChanges waits = MergeQueueChanges(running, file, /*structure_changed=*/true);
  EXPECT_EQ(waits.count(), 0u);
  EXPECT_EQ(waits.tenant->skill_queues.size(), 3u);
}

TEST(QueueChangesTest, AQueueWhoseMediaChangesIsNamedRetiredOnesToo) {
  TenantConfig running = RunningQueues();
  running.skill_queues[2].retired = true;
  TenantConfig file = running;
  file.skill_queues[2].retired = false;
  EXPECT_THAT(QueuesWithOtherMedia(running, file), IsEmpty());
  file.skill_queues[0].media = QueueMedia::kVoice;
  file.skill_queues[2].media = QueueMedia::kVoice;
  EXPECT_THAT(QueuesWithOtherMedia(running, file), ElementsAre("general", "night"));
}

TEST(QueueChangesTest, ADefinitionIsReadByTheFilesRulesAndTheQueuesAreCheckedTogether) {
  const std::vector<std::string> strategies = {"least_busy", "round_robin"};
  std::vector<std::string> errors;
  const std::optional<SkillQueueConfig> read = ReadSkillQueueDefinition(
      "id = \"sales\"\nstrategy = \"round_robin\"\nmax_wait_seconds = 30\non_overflow = \"queue:general\"\n"
      "required_skills = { fr = 2 }\n",
      strategies, errors);
  ASSERT_TRUE(read.has_value()) << (errors.empty() ? "" : errors.front());
  EXPECT_EQ(read->max_wait_seconds, 30);
  EXPECT_EQ(read->on_overflow.queue_id, "general");
  ASSERT_EQ(read->required_skills.size(), 1u);

  EXPECT_FALSE(ReadSkillQueueDefinition("id = \"x\"\nstrategy = \"fastest\"\nmax_waiting = 0\n", strategies, errors));
  EXPECT_THAT(errors, ElementsAre(HasSubstr("strategy = \"fastest\" is not a known strategy"), HasSubstr("max_waiting = 0")));

  // Overflow into a retired queue, or a cycle, is refused; so is a skill no agent has.
  TenantConfig tenant = RunningQueues();
  tenant.skill_queues[2].retired = true;
  tenant.skill_queues.push_back(QueueOf("late", "night"));
  EXPECT_THAT(SkillQueueErrors(tenant), ElementsAre(HasSubstr("names an unknown skill queue")));
  tenant.skill_queues.back() = QueueOf("late", "vip");
  tenant.skill_queues[0] = QueueOf("general", "late");
  EXPECT_THAT(SkillQueueErrors(tenant), ElementsAre(HasSubstr("on_overflow chain forms a cycle")));
  tenant.skill_queues[0] = QueueOf("general");
  tenant.skill_queues[0].required_skills = {{"fr", 2, 0}};
  EXPECT_THAT(SkillQueueErrors(tenant), ElementsAre(HasSubstr("required_skills: no agent of this tenant has the skill \"fr\"")));
  AgentConfig agent;
  agent.employee_id = "a1";
  agent.skills = {{"fr", 3, 0}};
  tenant.agents.push_back(agent);
  EXPECT_THAT(SkillQueueErrors(tenant), IsEmpty());
}

}  // namespace
}  // namespace routerd::config
