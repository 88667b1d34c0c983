#include "engine/config/config_summary.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace routerd::config {
namespace {

using ::testing::HasSubstr;

Config SmallConfig() {
  Config c;
  c.source_path = "routerd.toml";
  c.server.listen = "0.0.0.0:9000";
  c.server.io_threads = 2;
  TenantConfig t;
  t.id = "acme";
  t.max_concurrent_sessions = 6;
  t.session_idle_timeout_seconds = 900;
  t.ous = {OuConfig{"root", "", 4}, OuConfig{"child", "root", std::nullopt}, OuConfig{"other", "", std::nullopt}};
  SkillQueueConfig general;
  general.id = "general";
  general.max_wait_seconds = 30;
  general.max_waiting = 50;
  general.on_overflow = {OverflowTarget::Kind::kQueue, "backup"};
  SkillQueueConfig backup;
  backup.id = "backup";
  backup.strategy = "round_robin";
  SkillQueueConfig phones;
  phones.id = "phones";
  phones.media = QueueMedia::kVoice;
  t.skill_queues = {general, backup, phones};
  AgentConfig a1;
  a1.employee_id = "a1";
  a1.ou = "child";
  a1.type = AgentType::kMultimedia;
  a1.skill_queues = {"general", "backup"};
  a1.max_concurrent_sessions = 2;
  AgentConfig a2;
  a2.employee_id = "a2";
  a2.ou = "other";
  a2.type = AgentType::kVersatile;
  a2.skill_queues = {"general", "phones"};
  AgentConfig v1;
  v1.employee_id = "v1";
  v1.ou = "child";
  v1.type = AgentType::kVoice;
  v1.skill_queues = {"phones"};
  t.agents = {a1, a2, v1};
  ChannelConfig c1;
  c1.id = "c1";
  c1.kind = "fake";
  c1.skill_queue = "general";
  ChannelConfig c2;
  c2.id = "c2";
  c2.kind = "fake";
  c2.skill_queue = "backup";
  t.channels = {c1, c2};
  c.tenants.push_back(std::move(t));
  return c;
}

TEST(ConfigSummaryTest, ShowsServerOusQueuesAgentsCapsAndChannels) {
  Config config = SmallConfig();
  config.storage.data_dir = "/var/lib/routerd";
  EXPECT_EQ(FormatConfigSummary(config),
            "configuration routerd.toml: OK, 1 tenant\n"
            "server: listen 0.0.0.0:9000, 2 I/O threads, 1 router shard, router queue 65536 (batch 256), tick 100 "
            "ms, session history 200, log level info\n"
            "storage: sqlite in /var/lib/routerd, 1 journal partition, durability sync (2xx after the commit), dedup keys kept 604800 s\n"
            "tenant 'acme': unified channel access, cap 6, idle timeout 900 s\n"
            "  OUs (3):\n"
            "    root (cap 4, 0 agents)\n"
            "      child (2 agents)\n"
            "    other (1 agent)\n"
            "  skill queues (3):\n"
            "    general: multimedia, least_busy, max wait 30 s, max waiting 50, overflow -> queue:backup, 2 agents\n"
            "    backup: multimedia, round_robin, max wait 60 s, max waiting 1000, overflow -> leave_message, 1 agent\n"
            "    phones: voice, least_busy, max wait 60 s, max waiting 1000, overflow -> leave_message, 2 agents\n"
            "  agents (3):\n"
            "    versatile 1: a2\n"
            "    multimedia 1: a1\n"
            "    voice 1: v1\n"
            "  effective caps:\n"
            "    2 from agent setting: a1\n"
            "    4 from OU root: v1\n"
            "    6 from tenant: a2\n"
            "  channels (2):\n"
            "    fake: c1 -> general, c2 -> backup\n");
}

TEST(ConfigSummaryTest, LongListsAreCutToStayOnOneScreen) {
  Config c = SmallConfig();
  TenantConfig& t = c.tenants[0];
  t.agents.clear();
  for (int i = 0; i < 10; ++i) {
    AgentConfig a;
    a.employee_id = "m" + std::to_string(i);
    a.ou = "other";
    a.type = AgentType::kMultimedia;
    t.agents.push_back(a);
  }
  std::string summary = FormatConfigSummary(c);
  EXPECT_THAT(summary, HasSubstr("    multimedia 10: m0, m1, m2, m3, m4, m5, ... 4 more\n"));
  EXPECT_THAT(summary, HasSubstr("    6 from tenant: m0, m1, m2, m3, m4, m5, ... 4 more\n"));
}

}  // namespace
}  // namespace routerd::config
