// What a reload reports as needing a restart: every changed table or tenant
// key, never the tokens, the caps or a tenant added or removed (those are
// listed apart and apply live), and nothing for a file that was only
// reformatted.
#include "engine/config/config_diff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/config/channel_changes.h"

namespace routerd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::string_view kBase = R"toml(
[server]
listen = "127.0.0.1:8080"

[[tenants]]
id = "acme"
max_concurrent_sessions = 5

[[tenants.agents]]
employee_id = "a1"

[[tenants.tokens]]
role = "tenant_admin"
token_sha256 = "aa"

[[tenants]]
id = "globex"
)toml";

TEST(ConfigDiffTest, AReformattedFileOrOnlyNewTokensNeedNoRestart) {
  EXPECT_THAT(ChangedPartsBesideTokens(kBase, kBase), IsEmpty());
  std::string reformatted = R"toml(
[server]
listen   =   "127.0.0.1:8080"   # same value

[[tenants]]
max_concurrent_sessions = 5
id = "acme"
[[tenants.agents]]
employee_id = "a1"
[[tenants.tokens]]
role = "agent"
employee_id = "a1"
token_sha256 = "bb"

[[tenants]]
id = "globex"
)toml";
  EXPECT_THAT(ChangedPartsBesideTokens(kBase, reformatted), IsEmpty());
}

TEST(ConfigDiffTest, NamesEachChangedPart) {
  std::string changed(kBase);
  changed.replace(changed.find("8080"), 4, "9090");
  changed.replace(changed.find("max_concurrent_sessions = 5"), 27, "max_concurrent_sessions = 6");
  changed.replace(changed.find("id = \"globex\""), 13, "id = \"initech\"");
  changed += "\n[storage]\ndurability = \"async\"\n";
  changed.replace(changed.find("employee_id = \"a1\""), 18, "employee_id = \"a2\"");
  EXPECT_THAT(ChangedPartsBesideTokens(kBase, changed), ElementsAre("[server]", "[storage]"));
  // Tenants added and removed apply live: listed apart, not as needing a restart.
  const FileChanges changes = CompareConfigFiles(kBase, changed);
  EXPECT_THAT(changes.removed_tenants, ElementsAre("globex"));
  EXPECT_THAT(changes.added_tenants, ElementsAre("initech"));
}

TEST(ConfigDiffTest, TheRunningFileHasTheTenantsReloadsAddedAndNotThoseTheyRemoved) {
  std::string next(kBase);
  next.replace(next.find("id = \"globex\""), 13, "id = \"initech\"");
  RunningFile running{std::string(kBase)};
  running.AddTenant(next, "initech");
  running.RemoveTenant("globex");
  // The file run is now the new one: nothing differs.
  EXPECT_THAT(CompareConfigFiles(running.text(), next).added_tenants, IsEmpty());
  EXPECT_THAT(CompareConfigFiles(running.text(), next).removed_tenants, IsEmpty());
  EXPECT_THAT(ChangedPartsBesideTokens(running.text(), next), IsEmpty());
  // A later change of the added tenant is compared with what it was added as.
  std::string later = next;
  later.replace(later.find("id = \"initech\""), 14, "id = \"initech\"\nmultimedia_access_mode = \"per_channel_kind\"");
  EXPECT_THAT(ChangedPartsBesideTokens(running.text(), later), ElementsAre("tenant 'initech': multimedia_access_mode"));
}

TEST(ConfigDiffTest, CapsAtEveryLevelNeedNoRestart) {
  constexpr std::string_view kWithOu = R"toml(
[[tenants]]
id = "acme"
max_concurrent_sessions = 5
[[tenants.ous]]
id = "root"
[[tenants.agents]]
employee_id = "a1"
ou = "root"
)toml";
  std::string caps(kWithOu);
  caps.replace(caps.find("max_concurrent_sessions = 5"), 27,
               "max_concurrent_sessions = 6\nmax_concurrent_sessions_by_channel_kind = { email = 2 }");
  caps.replace(caps.find("id = \"root\""), 11, "id = \"root\"\nmax_concurrent_sessions = 3");
  caps.replace(caps.find("ou = \"root\""), 11,
               "ou = \"root\"\nmax_concurrent_sessions = 1\nmax_concurrent_sessions_by_channel_kind = { web = 1 }");
  EXPECT_THAT(ChangedPartsBesideTokens(kWithOu, caps), IsEmpty());
}

TEST(ConfigDiffTest, AgentsOusAndQueuesAddedRemovedChangedOrReorderedNeedNoRestartUnlessTheAccessModeChangesToo) {
  constexpr std::string_view kTwo = R"toml(
[[tenants]]
id = "acme"
[[tenants.ous]]
id = "root"
[[tenants.ous]]
id = "desk"
[[tenants.skill_queues]]
id = "q"
[[tenants.agents]]
employee_id = "a1"
ou = "root"
[[tenants.agents]]
employee_id = "a2"
ou = "root"
)toml";
  std::string moved(kTwo);
  moved.replace(moved.find("ou = \"root\""), 11,
                "ou = \"desk\"\ntype = \"voice\"\nskill_queues = [\"q\"]\nname = \"Ann\"\nskills = { fr = 2 }");
  // The same agents in the other order.
  const std::size_t a2 = moved.find("[[tenants.agents]]\nemployee_id = \"a2\"");
  const std::string a2_table = moved.substr(a2);
  moved = moved.substr(0, a2);
  moved.insert(moved.find("[[tenants.agents]]"), a2_table);
  FileChanges changes = CompareConfigFiles(kTwo, moved);
  EXPECT_THAT(changes.needs_restart, IsEmpty());
  EXPECT_THAT(changes.restructured_tenants, IsEmpty());
  const std::string hired = moved + "[[tenants.agents]]\nemployee_id = \"a3\"\nou = \"root\"\n";
  EXPECT_THAT(ChangedPartsBesideTokens(kTwo, hired), IsEmpty());
  std::string left(kTwo);
  left.erase(left.find("[[tenants.agents]]\nemployee_id = \"a2\""));
  EXPECT_THAT(ChangedPartsBesideTokens(kTwo, left), IsEmpty());
  // OUs added, moved and re-capped apply live, with the agents.
  std::string desk_cap(kTwo);
  desk_cap.replace(desk_cap.find("id = \"desk\""), 11, "id = \"desk\"\nparent = \"root\"");
  desk_cap.replace(desk_cap.find("employee_id = \"a1\""), 18, "employee_id = \"a1\"\nmax_concurrent_sessions = 2");
  const std::string with_ou = desk_cap + "[[tenants.ous]]\nid = \"night\"\n";
  changes = CompareConfigFiles(kTwo, with_ou + "[[tenants.agents]]\nemployee_id = \"a3\"\nou = \"night\"\n");
  EXPECT_THAT(changes.needs_restart, IsEmpty());
  EXPECT_THAT(changes.restructured_tenants, IsEmpty());
  // A new queue with them applies live too.
  std::string with_queue = moved + "[[tenants.skill_queues]]\nid = \"q2\"\n";
  changes = CompareConfigFiles(kTwo, with_queue);
  EXPECT_THAT(changes.needs_restart, IsEmpty());
  EXPECT_THAT(changes.restructured_tenants, IsEmpty());
  // A new access mode with a new queue and OU: they wait for its restart.
  std::string per_kind(kTwo);
  per_kind.insert(per_kind.find("id = \"acme\"") + 11, "\nmultimedia_access_mode = \"per_channel_kind\"");
  changes = CompareConfigFiles(kTwo, per_kind + "[[tenants.ous]]\nid = \"night\"\n" +
                                         "[[tenants.skill_queues]]\nid = \"q2\"\n");
  EXPECT_THAT(changes.needs_restart,
              ElementsAre("tenant 'acme': multimedia_access_mode",
                          "tenant 'acme': OUs, skill queues, channels and agents (with its access mode)"));
  EXPECT_THAT(changes.restructured_tenants, ElementsAre("acme"));
}

TEST(ConfigDiffTest, TheIdleTimeoutAndEveryKeyOfAQueueNeedNoRestart) {
  constexpr std::string_view kQueue = R"toml(
[[tenants]]
id = "acme"
session_idle_timeout_seconds = 600
[[tenants.skill_queues]]
id = "q"
strategy = "least_busy"
max_wait_seconds = 60
)toml";
  std::string limits(kQueue);
  limits.replace(limits.find("600"), 3, "300");
  limits.replace(limits.find("max_wait_seconds = 60"), 21,
                 "max_wait_seconds = 30\nmax_waiting = 5\nwrap_up_seconds = 20\nsticky_seconds = 3600\n"
                 "on_overflow = \"queue:q\"\npriority = 3\nauto_allocate = false");
  EXPECT_THAT(ChangedPartsBesideTokens(kQueue, limits), IsEmpty());
  std::string strategy = limits;
  strategy.replace(strategy.find("least_busy"), 10, "round_robin");
  EXPECT_THAT(ChangedPartsBesideTokens(kQueue, strategy), IsEmpty());
  EXPECT_THAT(ChangedPartsBesideTokens(kQueue, limits + "sticky_wait_seconds = 5\nmedia = \"voice\"\n"), IsEmpty())
      << "a queue's media is checked against the queues in effect (QueuesWithOtherMedia)";
}

TEST(ConfigDiffTest, ChannelsAddedRemovedOrRoutedElsewhereNeedNoRestartOtherKeysDo) {
  constexpr std::string_view kChannel = R"toml(
[[tenants]]
id = "acme"
[[tenants.channels]]
id = "web"
kind = "web"
skill_queue = "q"
secret = "s1"
)toml";
  std::string routing(kChannel);
  routing.replace(routing.find("skill_queue = \"q\""), 17, "skill_queue = \"q2\"\npriority = 3\nrequired_skills = { fr = 1 }");
  EXPECT_THAT(ChangedPartsBesideTokens(kChannel, routing), IsEmpty());
  std::string secret(kChannel);
  secret.replace(secret.find("s1"), 2, "s2");
  EXPECT_THAT(ChangedPartsBesideTokens(kChannel, secret), ElementsAre("tenant 'acme': channel 'web'"));
  EXPECT_THAT(ChangedPartsBesideTokens(kChannel, std::string(kChannel) + "[[tenants.channels]]\nid = \"web2\"\n"),
              IsEmpty());
  EXPECT_THAT(ChangedPartsBesideTokens(kChannel, "[[tenants]]\nid = \"acme\"\n"), IsEmpty());
}

TEST(ConfigDiffTest, ChannelsAreMergedByIdAndWhatCannotRunYetWaits) {
  TenantConfig running;
  running.skill_queues = {SkillQueueConfig{}, SkillQueueConfig{}};
  running.skill_queues[0].id = "q";
  running.skill_queues[1].id = "q2";
  auto channel = [](std::string id, std::string queue, std::string kind = "web") {
    ChannelConfig c;
    c.id = std::move(id);
    c.kind = std::move(kind);
    c.skill_queue = std::move(queue);
    return c;
  };
  running.channels = {channel("web", "q"), channel("mail", "q")};
  TenantConfig file = running;
  file.channels = {channel("chat", "q2"), channel("web", "q2"), channel("later", "elsewhere")};
  file.channels[1].priority = 3;
  ChannelChanges changes = MergeChannelChanges(running, file, /*structure_changed=*/false);
  ASSERT_EQ(running.channels.size(), 3u);
  EXPECT_EQ(running.channels[0].skill_queue, "q2");
  EXPECT_EQ(running.channels[0].priority, 3);
  EXPECT_TRUE(running.channels[1].retired);
  EXPECT_EQ(running.channels[2].id, "chat");
  EXPECT_THAT(changes.added, ElementsAre(2u));
  EXPECT_THAT(changes.retired, ElementsAre(1u));
  EXPECT_THAT(changes.changed, ElementsAre(0u));
  EXPECT_THAT(changes.waiting, ElementsAre("later")) << "its queue is not running";

  // In per-channel-kind access a new kind waits for the restart that gives it caps.
  running.multimedia_access_mode = AccessMode::kPerChannelKind;
  file.channels.push_back(channel("fax", "q", "fax"));
  changes = MergeChannelChanges(running, file, false);
  EXPECT_THAT(changes.waiting, ElementsAre("later", "fax"));
  EXPECT_EQ(MergeChannelChanges(running, file, /*structure_changed=*/true).count(), 0u);
}

TEST(ConfigDiffTest, TheLiveKeysOfAQueueAreCopiedIntoTheRunningTenant) {
  TenantConfig running;
  SkillQueueConfig q;
  q.id = "q";
  running.skill_queues = {q};
  TenantConfig file = running;
  SkillQueueConfig& next = file.skill_queues[0];
  next.max_wait_seconds = 7;
  next.max_waiting = 8;
  next.wrap_up_seconds = 9;
  next.sticky_seconds = 10;
  next.on_overflow = {OverflowTarget::Kind::kQueue, "q"};
  next.priority = 4;
  next.auto_allocate = false;
  next.strategy = "round_robin";  // not live
  CopyLiveQueueKeys(running, file);
  const SkillQueueConfig& now = running.skill_queues[0];
  EXPECT_EQ(now.max_wait_seconds, 7);
  EXPECT_EQ(now.max_waiting, 8);
  EXPECT_EQ(now.wrap_up_seconds, 9);
  EXPECT_EQ(now.sticky_seconds, 10);
  EXPECT_EQ(now.on_overflow.kind, OverflowTarget::Kind::kQueue);
  EXPECT_EQ(now.priority, 4);
  EXPECT_FALSE(now.auto_allocate);
  EXPECT_EQ(now.strategy, q.strategy);

  // Overflow into a queue only the file has waits for the restart that adds it.
  next.on_overflow = {OverflowTarget::Kind::kQueue, "new"};
  CopyLiveQueueKeys(running, file);
  EXPECT_EQ(running.skill_queues[0].on_overflow.queue_id, "q");
}

}  // namespace
}  // namespace routerd::config
