// The configuration loader: what a valid file gives (values, defaults,
// effective caps) and the limits of single keys.
#include "engine/config/config_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/config/config_loader_fixture.h"

namespace routerd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using testing::HasError;
using testing::ConfigLoaderTest;
using testing::kGood;

TEST_F(ConfigLoaderTest, GoodConfigRoundTripsIntoTheStructs) {
  LoadResult r = Load(kGood);
  ASSERT_THAT(r.errors, IsEmpty());
  ASSERT_TRUE(r.config.has_value());
  const Config& c = *r.config;
  EXPECT_EQ(c.source_path, "routerd.toml");
  EXPECT_EQ(c.server.listen, "0.0.0.0:9000");
  EXPECT_EQ(c.server.io_threads, 4);
  EXPECT_EQ(c.server.router_shards, 2);
  EXPECT_EQ(c.server.router_queue_capacity, 4096);
  EXPECT_EQ(c.server.router_batch_size, 128);
  EXPECT_EQ(c.server.router_tick_ms, 50);
  EXPECT_EQ(c.server.session_history_limit, 30);
  EXPECT_EQ(c.server.log_level, "debug");

  ASSERT_THAT(c.tenants, SizeIs(1));
  const TenantConfig& t = c.tenants[0];
  EXPECT_EQ(t.id, "acme");
  EXPECT_EQ(t.line, Line("[[tenants]]"));
  EXPECT_EQ(t.multimedia_access_mode, AccessMode::kUnified);
  EXPECT_EQ(t.max_concurrent_sessions, 6);
  EXPECT_EQ(t.session_idle_timeout_seconds, 900);

  ASSERT_THAT(t.ous, SizeIs(3));
  EXPECT_EQ(t.ous[0].id, "root");
  EXPECT_EQ(t.ous[0].parent, "");
  EXPECT_EQ(t.ous[0].max_concurrent_sessions, 4);
  EXPECT_EQ(t.ous[0].line, Line("[[tenants.ous]]"));
  EXPECT_EQ(t.ous[1].id, "child");
  EXPECT_EQ(t.ous[1].parent, "root");
  EXPECT_EQ(t.ous[1].max_concurrent_sessions, std::nullopt);
  EXPECT_EQ(t.ous[2].id, "other");
  EXPECT_EQ(t.ous[2].parent, "");

  ASSERT_THAT(t.skill_queues, SizeIs(3));
  const SkillQueueConfig& general = t.skill_queues[0];
  EXPECT_EQ(general.id, "general");
  EXPECT_EQ(general.strategy, "least_busy");
  EXPECT_EQ(general.max_wait_seconds, 30);
  EXPECT_EQ(general.max_waiting, 50);
  EXPECT_EQ(general.on_overflow.kind, OverflowTarget::Kind::kQueue);
  EXPECT_EQ(general.on_overflow.queue_id, "backup");
  EXPECT_EQ(general.media, QueueMedia::kMultimedia);
  const SkillQueueConfig& backup = t.skill_queues[1];
  EXPECT_EQ(backup.strategy, "round_robin");
  EXPECT_EQ(backup.max_wait_seconds, 60);  // defaults
  EXPECT_EQ(backup.max_waiting, 1000);
  EXPECT_EQ(backup.on_overflow.kind, OverflowTarget::Kind::kLeaveMessage);
  const SkillQueueConfig& phones = t.skill_queues[2];
  EXPECT_EQ(phones.media, QueueMedia::kVoice);
  EXPECT_EQ(phones.strategy, "least_busy");

  ASSERT_THAT(t.agents, SizeIs(3));
  const AgentConfig& a1 = t.agents[0];
  EXPECT_EQ(a1.employee_id, "a1");
  EXPECT_EQ(a1.ou, "child");
  EXPECT_EQ(a1.type, AgentType::kMultimedia);
  EXPECT_THAT(a1.skill_queues, ElementsAre("general", "backup"));
  EXPECT_EQ(a1.max_concurrent_sessions, 2);
  EXPECT_EQ(a1.business_account, "ana");
  EXPECT_EQ(a1.name, "Ana");
  EXPECT_EQ(a1.line, Line("[[tenants.agents]]"));
  const AgentConfig& a2 = t.agents[1];
  EXPECT_EQ(a2.type, AgentType::kVersatile);
  EXPECT_THAT(a2.skill_queues, ElementsAre("general", "phones"));
  EXPECT_EQ(a2.business_account, "a2");  // defaults to employee_id
  EXPECT_EQ(a2.name, "");
  EXPECT_EQ(a2.max_concurrent_sessions, std::nullopt);
  EXPECT_EQ(t.agents[2].type, AgentType::kVoice);

  ASSERT_THAT(t.channels, SizeIs(1));
  const ChannelConfig& ch = t.channels[0];
  EXPECT_EQ(ch.id, "c1");
  EXPECT_EQ(ch.kind, "fake");
  EXPECT_EQ(ch.skill_queue, "general");
  EXPECT_EQ(ch.line, Line("[[tenants.channels]]"));
  ASSERT_NE(ch.adapter, nullptr);
  const auto* adapter = dynamic_cast<const testing::NullAdapter*>(ch.adapter.get());
  ASSERT_NE(adapter, nullptr);
  EXPECT_EQ(adapter->identity().tenant_id, "acme");
  EXPECT_EQ(adapter->identity().channel_id, "c1");
  EXPECT_EQ(adapter->identity().kind, "fake");
}

TEST_F(ConfigLoaderTest, EffectiveCapComesFromAgentThenNearestOuThenTenant) {
  LoadResult r = Load(kGood);
  ASSERT_THAT(r.errors, IsEmpty());
  const TenantConfig& t = r.config->tenants[0];
  EffectiveCap a1 = ResolveEffectiveCap(t, t.agents[0]);
  EXPECT_EQ(a1.cap, 2);
  EXPECT_EQ(a1.origin, EffectiveCap::Origin::kAgent);
  EffectiveCap a2 = ResolveEffectiveCap(t, t.agents[1]);  // OU "other" sets nothing
  EXPECT_EQ(a2.cap, 6);
  EXPECT_EQ(a2.origin, EffectiveCap::Origin::kTenant);
  EffectiveCap v1 = ResolveEffectiveCap(t, t.agents[2]);
  EXPECT_EQ(v1.cap, 4);
  EXPECT_EQ(v1.origin, EffectiveCap::Origin::kOu);
  EXPECT_EQ(v1.ou_id, "root");
  AgentConfig in_child = t.agents[1];
  in_child.ou = "child";  // inherits from its parent "root"
  EffectiveCap inherited = ResolveEffectiveCap(t, in_child);
  EXPECT_EQ(inherited.cap, 4);
  EXPECT_EQ(inherited.ou_id, "root");
}

TEST_F(ConfigLoaderTest, MinimalConfigGetsDefaults) {
  LoadResult r = Load(R"toml(
[[tenants]]
id = "t"
)toml");
  ASSERT_THAT(r.errors, IsEmpty());
  const Config& c = *r.config;
  EXPECT_EQ(c.server.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.server.io_threads, 1);
  EXPECT_EQ(c.server.router_shards, 1);
  EXPECT_EQ(c.server.router_queue_capacity, 65536);
  EXPECT_EQ(c.server.router_batch_size, 256);
  EXPECT_EQ(c.server.router_tick_ms, 100);
  EXPECT_EQ(c.server.session_history_limit, 200);
  EXPECT_EQ(c.server.log_level, "info");
  EXPECT_EQ(c.tenants[0].max_concurrent_sessions, 5);
  EXPECT_EQ(c.tenants[0].session_idle_timeout_seconds, 1800);
  EXPECT_THAT(c.tenants[0].agents, IsEmpty());
}

TEST_F(ConfigLoaderTest, JournalPartitionsDefaultToOnePerRouterShard) {
  LoadResult r = Load(kGood);
  ASSERT_TRUE(r.config.has_value());
  EXPECT_EQ(r.config->storage.partitions, 0);
  EXPECT_EQ(JournalPartitions(*r.config), 2) << "router_shards = 2";

  r = Load("[storage]\npartitions = 8\n" + std::string(kGood));
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  EXPECT_EQ(JournalPartitions(*r.config), 8);

  r = Load("[storage]\npartitions = 257\n" + std::string(kGood));
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, ElementsAre("routerd.toml:2: storage: partitions = 257 is out of range (allowed 0..256)"));
}

TEST_F(ConfigLoaderTest, ListenMustBeHostColonValidPort) {
  for (const char* bad : {"localhost", "127.0.0.1:99999", ":8080", "1.2.3.4:abc", "a b:80", "[]:80", "host:"}) {
    std::string text = "[server]\nlisten = \"" + std::string(bad) + "\"\n[[tenants]]\nid = \"t\"\n";
    LoadResult r = Load(text);
    EXPECT_THAT(r.errors, ElementsAre("routerd.toml:2: server: listen = \"" + std::string(bad) +
                                      "\" is not host:port (e.g. \"127.0.0.1:8080\" or \"[::1]:8080\"; port "
                                      "0..65535)"))
        << bad;
  }
  for (const char* good : {"[::1]:8080", "0.0.0.0:0", "router.example.com:443", "127.0.0.1:65535"}) {
    std::string text = "[server]\nlisten = \"" + std::string(good) + "\"\n[[tenants]]\nid = \"t\"\n";
    LoadResult r = Load(text);
    EXPECT_THAT(r.errors, IsEmpty()) << good;
    ASSERT_TRUE(r.config.has_value());
    EXPECT_EQ(r.config->server.listen, good);
  }
}

TEST_F(ConfigLoaderTest, BatchLargerThanQueueCapacityIsRejected) {
  LoadResult r = Load("[server]\nrouter_queue_capacity = 2048\nrouter_batch_size = 4096\n[[tenants]]\nid = \"t\"\n");
  EXPECT_THAT(r.errors, ElementsAre("routerd.toml:3: server: router_batch_size = 4096 is larger than "
                                    "router_queue_capacity = 2048"));
}

TEST_F(ConfigLoaderTest, DefaultStrategyMustBeRegistered) {
  schema_.strategies = {"round_robin"};
  LoadResult r = Load("[[tenants]]\nid = \"t\"\n[[tenants.skill_queues]]\nid = \"q\"\n");
  EXPECT_THAT(r.errors, ElementsAre("routerd.toml:3: tenants[0].skill_queues[0] 'q': strategy defaults to "
                                    "\"least_busy\", which is not a known strategy (allowed: round_robin); set "
                                    "strategy explicitly"));
}

TEST_F(ConfigLoaderTest, NullAdapterRegistryIsAnError) {
  schema_.adapters = nullptr;
  LoadResult r = Load(kGood);
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, ElementsAre(HasSubstr("no adapter registry")));
}

TEST_F(ConfigLoaderTest, LoadConfigFileReadsAndNamesTheFile) {
  auto path = std::filesystem::temp_directory_path() / "routerd_config_loader_test.toml";
  { std::ofstream(path) << "[[tenants]]\nid = \"t\"\nmax_concurrent_sessions = 0\n"; }
  LoadResult r = LoadConfigFile(path.string(), schema_);
  std::filesystem::remove(path);
  EXPECT_THAT(r.errors, ElementsAre(path.string() + ":3: tenants[0] 't': max_concurrent_sessions = 0 is out of "
                                                    "range (allowed 1..60)"));

  LoadResult missing = LoadConfigFile(path.string(), schema_);
  EXPECT_FALSE(missing.config.has_value());
  EXPECT_THAT(missing.errors, ElementsAre(path.string() +
                                          ": cannot open the configuration file: No such file or directory"));
}

TEST_F(ConfigLoaderTest, HttpAndDedupLimitsAreRangeChecked) {
  LoadResult r = Load(R"toml(
[server]
max_body_bytes = 10          # too small
idle_timeout_seconds = 0     # zero
dedup_window_seconds = 0     # zero disables: fine
[[tenants]]
id = "t"
)toml");
  EXPECT_THAT(r.errors, SizeIs(2));
  EXPECT_THAT(r.errors, HasError(Line("# too small"), "server", "max_body_bytes = 10 is out of range (allowed 1024..67108864)"));
  EXPECT_THAT(r.errors, HasError(Line("# zero\n"), "server", "idle_timeout_seconds = 0 is out of range (allowed 1..86400)"));
}

TEST_F(ConfigLoaderTest, MaxConnectionsDefaultsAndRange) {
  constexpr std::string_view kTenant = R"toml(
[[tenants]]
id = "t"
[[tenants.skill_queues]]
id = "q"
)toml";
  LoadResult defaults = Load(kTenant);
  ASSERT_TRUE(defaults.config.has_value()) << ::testing::PrintToString(defaults.errors);
  EXPECT_EQ(defaults.config->server.max_connections, 10000);

  LoadResult set = Load("[server]\nmax_connections = 64\n" + std::string(kTenant));
  ASSERT_TRUE(set.config.has_value()) << ::testing::PrintToString(set.errors);
  EXPECT_EQ(set.config->server.max_connections, 64);

  LoadResult zero = Load("[server]\nmax_connections = 0\n" + std::string(kTenant));
  EXPECT_FALSE(zero.config.has_value());
  EXPECT_THAT(zero.errors, HasError(Line("max_connections"), "server",
                                    "max_connections = 0 is out of range (allowed 1..1000000)"));
}


}  // namespace
}  // namespace routerd::config
