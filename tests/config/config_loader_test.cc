#include "engine/config/config_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/config/config_test_util.h"

namespace routerd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using testing::HasError;

class ConfigLoaderTest : public ::testing::Test {
 protected:
  ConfigLoaderTest() {
    EXPECT_TRUE(registry_.Register(std::make_unique<testing::FakeFactory>()).ok());
    EXPECT_TRUE(registry_.Register(std::make_unique<testing::ThrowingFactory>()).ok());
    schema_.adapters = &registry_;
    schema_.strategies = testing::Strategies();
  }

  LoadResult Load(std::string_view text) {
    text_ = std::string(text);
    return LoadConfigString(text_, "routerd.toml", schema_);
  }

  // The line of `needle` in the text last loaded; fails the test when absent.
  int Line(std::string_view needle) {
    int line = testing::LineOf(text_, needle);
    EXPECT_GT(line, 0) << "not in the test's TOML: " << needle;
    return line;
  }

  AdapterRegistry registry_;
  ConfigSchema schema_;
  std::string text_;
};

// A complete, valid tenant; tests append to it or replace a line.
constexpr std::string_view kGood = R"toml(
[server]
listen = "0.0.0.0:9000"
io_threads = 4
router_shards = 2
router_queue_capacity = 4096
router_batch_size = 128
router_tick_ms = 50
session_history_limit = 30
log_level = "debug"

[[tenants]]
id = "acme"
multimedia_access_mode = "unified"
max_concurrent_sessions = 6
session_idle_timeout_seconds = 900

[[tenants.ous]]
id = "root"
parent = ""
max_concurrent_sessions = 4

[[tenants.ous]]
id = "child"
parent = "root"

[[tenants.ous]]
id = "other"

[[tenants.skill_queues]]
id = "general"
strategy = "least_busy"
max_wait_seconds = 30
max_waiting = 50
on_overflow = "queue:backup"

[[tenants.skill_queues]]
id = "backup"
strategy = "round_robin"

[[tenants.skill_queues]]
id = "phones"
media = "voice"

[[tenants.agents]]
employee_id = "a1"
ou = "child"
type = "multimedia"
skill_queues = ["general", "backup"]
max_concurrent_sessions = 2
business_account = "ana"
name = "Ana"

[[tenants.agents]]
employee_id = "a2"
ou = "other"
type = "versatile"
skill_queues = ["general", "phones"]

[[tenants.agents]]
employee_id = "v1"
ou = "root"
type = "voice"
skill_queues = ["phones"]

[[tenants.channels]]
id = "c1"
kind = "fake"
skill_queue = "general"
token = "t0k3n"
weight = 3
)toml";

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

TEST_F(ConfigLoaderTest, OutOfRangeMessageHasTheDocumentedShape) {
  std::string text(kGood);
  text.replace(text.find("max_concurrent_sessions = 2\n"), 27, "max_concurrent_sessions = 61");
  LoadResult r = Load(text);
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, ElementsAre("routerd.toml:" + std::to_string(Line("max_concurrent_sessions = 61")) +
                                    ": tenants[0].agents[0] 'a1': max_concurrent_sessions = 61 is out of range "
                                    "(allowed 1..60)"));
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

TEST_F(ConfigLoaderTest, SyntaxErrorNamesLineAndColumn) {
  LoadResult r = Load("[server]\nio_threads = 2\nlisten = \n[[tenants]]\nid = \"t\"\n");
  EXPECT_FALSE(r.config.has_value());
  ASSERT_THAT(r.errors, SizeIs(1));
  EXPECT_THAT(r.errors[0], ::testing::StartsWith("routerd.toml:3: TOML syntax error at column "));
}

TEST_F(ConfigLoaderTest, DuplicateTomlKeyIsASyntaxError) {
  LoadResult r = Load("[[tenants]]\nid = \"t\"\nid = \"u\"\n");
  ASSERT_THAT(r.errors, SizeIs(1));
  EXPECT_THAT(r.errors[0], ::testing::StartsWith("routerd.toml:3: TOML syntax error"));
}

TEST_F(ConfigLoaderTest, WrongTypesAreReportedWithTheTypeFound) {
  LoadResult r = Load(R"toml(
[server]
io_threads = "two"
listen = 8080

[[tenants]]
id = 7

[[tenants]]
id = "t"
max_concurrent_sessions = 2.5

[[tenants.agents]]
employee_id = "a"
ou = "x"
type = "voice"
skill_queues = "general"

[[tenants.skill_queues]]
id = "q"
max_waiting = true
)toml");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, HasError(Line("io_threads"), "server", "io_threads must be an integer (got string)"));
  EXPECT_THAT(r.errors, HasError(Line("listen"), "server", "listen must be a string (got integer)"));
  EXPECT_THAT(r.errors, HasError(Line("id = 7"), "tenants[0]", "id must be a string (got integer)"));
  EXPECT_THAT(r.errors,
              HasError(Line("= 2.5"), "tenants[1] 't'", "max_concurrent_sessions must be an integer (got float)"));
  EXPECT_THAT(r.errors, HasError(Line("skill_queues = \"general\""), "tenants[1].agents[0] 'a'",
                                 "skill_queues must be an array of strings (got string)"));
  EXPECT_THAT(r.errors, HasError(Line("max_waiting"), "tenants[1].skill_queues[0] 'q'",
                                 "max_waiting must be an integer (got boolean)"));
}

TEST_F(ConfigLoaderTest, OutOfRangeValuesAreAllReportedTogether) {
  LoadResult r = Load(R"toml(
[server]
io_threads = 0
router_shards = 65
router_queue_capacity = 100
router_tick_ms = 5
session_history_limit = 0

[[tenants]]
id = "t"
max_concurrent_sessions = 0
session_idle_timeout_seconds = -5

[[tenants.ous]]
id = "o"
max_concurrent_sessions = 61

[[tenants.skill_queues]]
id = "q"
max_wait_seconds = 0
max_waiting = -1

[[tenants.agents]]
employee_id = "a"
ou = "o"
type = "multimedia"
max_concurrent_sessions = 0
)toml");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, SizeIs(11));
  EXPECT_THAT(r.errors, HasError(Line("io_threads"), "server", "io_threads = 0 is out of range (allowed 1..64)"));
  EXPECT_THAT(r.errors,
              HasError(Line("router_shards"), "server", "router_shards = 65 is out of range (allowed 1..64)"));
  EXPECT_THAT(r.errors, HasError(Line("router_queue_capacity"), "server",
                                 "router_queue_capacity = 100 is out of range (allowed 1024..16777216)"));
  EXPECT_THAT(r.errors,
              HasError(Line("router_tick_ms"), "server", "router_tick_ms = 5 is out of range (allowed 10..10000)"));
  EXPECT_THAT(r.errors, HasError(Line("session_history_limit"), "server",
                                 "session_history_limit = 0 is out of range (allowed 1..100000)"));
  EXPECT_THAT(r.errors, HasError(Line("max_concurrent_sessions = 0"), "tenants[0] 't'",
                                 "max_concurrent_sessions = 0 is out of range (allowed 1..60)"));
  EXPECT_THAT(r.errors, HasError(Line("session_idle_timeout_seconds"), "tenants[0] 't'",
                                 "session_idle_timeout_seconds = -5 is out of range (allowed 10..604800)"));
  EXPECT_THAT(r.errors, HasError(Line("max_concurrent_sessions = 61"), "tenants[0].ous[0] 'o'",
                                 "max_concurrent_sessions = 61 is out of range (allowed 1..60)"));
  EXPECT_THAT(r.errors, HasError(Line("max_wait_seconds"), "tenants[0].skill_queues[0] 'q'",
                                 "max_wait_seconds = 0 is out of range (allowed 1..86400)"));
  EXPECT_THAT(r.errors, HasError(Line("max_waiting"), "tenants[0].skill_queues[0] 'q'",
                                 "max_waiting = -1 is out of range (allowed 1..1000000)"));
  const int agent_cap_line = testing::LineOf(text_.substr(text_.find("[[tenants.agents]]")),
                                             "max_concurrent_sessions = 0") +
                             Line("[[tenants.agents]]") - 1;
  EXPECT_THAT(r.errors, HasError(agent_cap_line, "tenants[0].agents[0] 'a'",
                                 "max_concurrent_sessions = 0 is out of range (allowed 1..60)"));
}

TEST_F(ConfigLoaderTest, ErrorsComeSortedByLine) {
  LoadResult r = Load(R"toml(
[[tenants]]
id = "t"
max_concurrent_sessions = 0

[server]
io_threads = 0
)toml");
  ASSERT_THAT(r.errors, SizeIs(2));
  EXPECT_THAT(r.errors[0], ::testing::StartsWith("routerd.toml:4: "));
  EXPECT_THAT(r.errors[1], ::testing::StartsWith("routerd.toml:7: "));
}

TEST_F(ConfigLoaderTest, UnknownKeysInEveryTableListTheAllowedKeys) {
  LoadResult r = Load(R"toml(
tenant = "oops"

[server]
io_thread = 2

[[tenants]]
id = "t"
max_sessions = 3

[[tenants.ous]]
id = "o"
parnet = ""

[[tenants.skill_queues]]
id = "q"
strategie = "least_busy"

[[tenants.agents]]
employee_id = "a"
ou = "o"
type = "multimedia"
skill_queue = ["q"]
)toml");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, SizeIs(6));
  EXPECT_THAT(r.errors, HasError(Line("tenant = "), "",
                                 "unknown key 'tenant' (did you mean 'tenants'?); allowed keys: server, storage, cluster, tenants"));
  EXPECT_THAT(r.errors, HasError(Line("io_thread"), "server",
                                 "unknown key 'io_thread' (did you mean 'io_threads'?); allowed keys: listen, "
                                 "io_threads, router_shards, router_queue_capacity, router_batch_size, "
                                 "router_tick_ms, session_history_limit, ended_session_traces, "
                                 "router_command_queue_capacity, "
                                 "max_body_bytes, max_header_bytes, read_timeout_seconds, idle_timeout_seconds, "
                                 "shutdown_grace_seconds, max_connections, auth_failure_burst, auth_failures_per_minute, dedup_window_seconds, dedup_max_entries, "
                                 "agent_grace_seconds, agent_outbox_limit, log_level"));
  EXPECT_THAT(r.errors, HasError(Line("max_sessions"), "tenants[0] 't'",
                                 "unknown key 'max_sessions'; allowed keys: id, multimedia_access_mode, "
                                 "max_concurrent_sessions, max_concurrent_sessions_by_channel_kind, "
                                 "session_idle_timeout_seconds, ous, skill_queues, agents, channels"));
  EXPECT_THAT(r.errors, HasError(Line("parnet"), "tenants[0].ous[0] 'o'",
                                 "unknown key 'parnet' (did you mean 'parent'?); allowed keys: id, parent, "
                                 "max_concurrent_sessions"));
  EXPECT_THAT(r.errors, HasError(Line("strategie"), "tenants[0].skill_queues[0] 'q'",
                                 "unknown key 'strategie' (did you mean 'strategy'?); allowed keys: id, strategy, "
                                 "max_wait_seconds, max_waiting, on_overflow, media"));
  EXPECT_THAT(r.errors, HasError(Line("skill_queue ="), "tenants[0].agents[0] 'a'",
                                 "unknown key 'skill_queue' (did you mean 'skill_queues'?); allowed keys: "
                                 "employee_id, ou, type, skill_queues, max_concurrent_sessions, "
                                 "max_concurrent_sessions_by_channel_kind, business_account, name"));
}

TEST_F(ConfigLoaderTest, ChannelKeysGoToTheFactoryAndUnreadOnesAreUnknown) {
  std::string text(kGood);
  text += "colour = \"blue\"\n";
  LoadResult r = Load(text);
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, ElementsAre("routerd.toml:" + std::to_string(Line("colour")) +
                                    ": tenants[0].channels[0] 'c1': unknown key 'colour' for kind fake"));
}

TEST_F(ConfigLoaderTest, FactoryErrorIsReportedAsItsStatusMessage) {
  std::string text(kGood);
  text.replace(text.find("token = \"t0k3n\"\n"), 16, "");
  text += R"toml(
[[tenants.channels]]
id = "c2"
kind = "fake"
skill_queue = "general"
token = "x"
weight = -1
)toml";
  LoadResult r = Load(text);
  EXPECT_FALSE(r.config.has_value());
  ASSERT_THAT(r.errors, SizeIs(2));
  // Missing keys point at the channel table.
  EXPECT_THAT(r.errors, HasError(Line("[[tenants.channels]]"), "tenants[0].channels[0] 'c1'",
                                 "token: missing secret (give token, token_env or token_file)"));
  EXPECT_THAT(r.errors, HasError(Line("weight = -1"), "tenants[0].channels[1] 'c2'", "weight: must not be negative"));
}

TEST_F(ConfigLoaderTest, ChannelOptionOfAnUnsupportedTypeIsReported) {
  std::string text(kGood);
  text += "tags = [\"a\", \"b\"]\n";
  LoadResult r = Load(text);
  EXPECT_THAT(r.errors, ElementsAre("routerd.toml:" + std::to_string(Line("tags")) +
                                    ": tenants[0].channels[0] 'c1': tags must be a string, an integer or a "
                                    "boolean (got array)"));
}

TEST_F(ConfigLoaderTest, DuplicateIdsAreReportedWithTheFirstDefinition) {
  LoadResult r = Load(R"toml(
[[tenants]]
id = "t"

[[tenants.ous]]
id = "o"                 # first o

[[tenants.ous]]
id = "o"                 # second o

[[tenants.skill_queues]]
id = "q"                 # first q

[[tenants.skill_queues]]
id = "q"                 # second q

[[tenants.agents]]
employee_id = "a"        # first a
ou = "o"
type = "multimedia"

[[tenants.agents]]
employee_id = "a"        # second a
ou = "o"
type = "multimedia"

[[tenants.channels]]
id = "c"                 # first c
kind = "fake"
skill_queue = "q"
token = "x"

[[tenants.channels]]
id = "c"                 # second c
kind = "fake"
skill_queue = "q"
token = "x"

[[tenants]]              # second t
id = "t"
)toml");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, SizeIs(5));
  EXPECT_THAT(r.errors, HasError(Line("# second o"), "tenants[0].ous[1] 'o'",
                                 "duplicate OU id 'o' (first defined at line " + std::to_string(Line("# first o")) +
                                     ")"));
  EXPECT_THAT(r.errors, HasError(Line("# second q"), "tenants[0].skill_queues[1] 'q'",
                                 "duplicate skill queue id 'q' (first defined at line " +
                                     std::to_string(Line("# first q")) + ")"));
  EXPECT_THAT(r.errors, HasError(Line("# second a"), "tenants[0].agents[1] 'a'",
                                 "duplicate employee_id 'a' (first defined at line " +
                                     std::to_string(Line("# first a")) + ")"));
  EXPECT_THAT(r.errors, HasError(Line("# second c"), "tenants[0].channels[1] 'c'",
                                 "duplicate channel id 'c' (first defined at line " +
                                     std::to_string(Line("# first c")) + ")"));
  EXPECT_THAT(r.errors,
              HasError(Line("# second t"), "tenants[1] 't'", "duplicate tenant id 't' (first defined at line 2)"));
}

TEST_F(ConfigLoaderTest, DuplicateBusinessAccountIsReported) {
  LoadResult r = Load(R"toml(
[[tenants]]
id = "t"
[[tenants.ous]]
id = "o"
[[tenants.agents]]
employee_id = "a"
ou = "o"
type = "multimedia"
[[tenants.agents]]
employee_id = "b"
business_account = "a"
ou = "o"
type = "multimedia"
)toml");
  EXPECT_THAT(r.errors, ElementsAre("routerd.toml:" + std::to_string(Line("business_account")) +
                                    ": tenants[0].agents[1] 'b': business account 'a' is already used by the agent "
                                    "at line " + std::to_string(Line("employee_id = \"a\""))));
}

TEST_F(ConfigLoaderTest, MissingRequiredKeysPointAtTheirTable) {
  LoadResult r = Load(R"toml(
[[tenants]]
max_concurrent_sessions = 3

[[tenants]]
id = "t"

[[tenants.ous]]
parent = ""

[[tenants.skill_queues]]
strategy = "least_busy"

[[tenants.agents]]
name = "nobody"

[[tenants.channels]]
token = "x"
)toml");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, SizeIs(9));
  EXPECT_THAT(r.errors, HasError(2, "tenants[0]", "missing required key 'id'"));
  EXPECT_THAT(r.errors, HasError(Line("[[tenants.ous]]"), "tenants[1].ous[0]", "missing required key 'id'"));
  EXPECT_THAT(r.errors,
              HasError(Line("[[tenants.skill_queues]]"), "tenants[1].skill_queues[0]", "missing required key 'id'"));
  const int agent = Line("[[tenants.agents]]");
  EXPECT_THAT(r.errors, HasError(agent, "tenants[1].agents[0]", "missing required key 'employee_id'"));
  EXPECT_THAT(r.errors, HasError(agent, "tenants[1].agents[0]", "missing required key 'ou'"));
  EXPECT_THAT(r.errors, HasError(agent, "tenants[1].agents[0]", "missing required key 'type'"));
  const int channel = Line("[[tenants.channels]]");
  EXPECT_THAT(r.errors, HasError(channel, "tenants[1].channels[0]", "missing required key 'id'"));
  EXPECT_THAT(r.errors, HasError(channel, "tenants[1].channels[0]", "missing required key 'kind'"));
  EXPECT_THAT(r.errors, HasError(channel, "tenants[1].channels[0]", "missing required key 'skill_queue'"));
}

TEST_F(ConfigLoaderTest, InvalidIdCharactersAreRejected) {
  LoadResult r = Load(R"toml(
[[tenants]]
id = "my tenant"
)toml");
  EXPECT_THAT(r.errors, ElementsAre("routerd.toml:3: tenants[0]: id = \"my tenant\" is not a valid id (allowed: "
                                    "1..64 of letters, digits, '.', '_', '-')"));
}

TEST_F(ConfigLoaderTest, NoTenantsAtAll) {
  LoadResult r = Load("[server]\nlisten = \"127.0.0.1:8080\"\n");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, ElementsAre("routerd.toml:1: no tenants: add at least one [[tenants]] section with an id"));
  EXPECT_THAT(Load("").errors, ElementsAre(HasSubstr("no tenants")));
}

TEST_F(ConfigLoaderTest, TenantsOfTheWrongShapeIsOneError) {
  LoadResult r = Load("tenants = 5\n");
  EXPECT_THAT(r.errors,
              ElementsAre("routerd.toml:1: tenants must be an array of tables ([[...]] sections) (got integer)"));
  r = Load("[tenants]\nid = \"t\"\n");
  EXPECT_THAT(r.errors,
              ElementsAre("routerd.toml:1: tenants must be an array of tables ([[...]] sections) (got table)"));
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

TEST_F(ConfigLoaderTest, EnumeratedValuesListWhatIsAllowed) {
  LoadResult r = Load(R"toml(
[server]
log_level = "verbose"

[[tenants]]
id = "t"
multimedia_access_mode = "per_channel"

[[tenants.skill_queues]]
id = "q"
strategy = "random"
media = "video"

[[tenants.ous]]
id = "o"

[[tenants.agents]]
employee_id = "a"
ou = "o"
type = "supervisor"
)toml");
  EXPECT_THAT(r.errors, SizeIs(5));
  EXPECT_THAT(r.errors, HasError(Line("log_level"), "server",
                                 "log_level = \"verbose\" is not valid (allowed: trace, debug, info, warn, error, "
                                 "critical, off)"));
  EXPECT_THAT(r.errors, HasError(Line("multimedia_access_mode"), "tenants[0] 't'",
                                 "multimedia_access_mode = \"per_channel\" is not valid (allowed: unified, "
                                 "per_channel_kind); unified: one cap across all channels"));
  EXPECT_THAT(r.errors, HasError(Line("strategy"), "tenants[0].skill_queues[0] 'q'",
                                 "strategy = \"random\" is not a known strategy (allowed: least_busy, "
                                 "longest_idle, round_robin, most_skilled)"));
  EXPECT_THAT(r.errors, HasError(Line("media = "), "tenants[0].skill_queues[0] 'q'",
                                 "media = \"video\" is not valid (allowed: multimedia, voice)"));
  EXPECT_THAT(r.errors, HasError(Line("type"), "tenants[0].agents[0] 'a'",
                                 "type = \"supervisor\" is not valid (allowed: versatile, multimedia, voice)"));
}

TEST_F(ConfigLoaderTest, DefaultStrategyMustBeRegistered) {
  schema_.strategies = {"round_robin"};
  LoadResult r = Load("[[tenants]]\nid = \"t\"\n[[tenants.skill_queues]]\nid = \"q\"\n");
  EXPECT_THAT(r.errors, ElementsAre("routerd.toml:3: tenants[0].skill_queues[0] 'q': strategy defaults to "
                                    "\"least_busy\", which is not a known strategy (allowed: round_robin); set "
                                    "strategy explicitly"));
}

TEST_F(ConfigLoaderTest, OuWithUnknownParent) {
  LoadResult r = Load(R"toml(
[[tenants]]
id = "t"
[[tenants.ous]]
id = "a"
[[tenants.ous]]
id = "b"
parent = "nope"
)toml");
  EXPECT_THAT(r.errors, ElementsAre("routerd.toml:" + std::to_string(Line("parent = \"nope\"")) +
                                    ": tenants[0].ous[1] 'b': parent = \"nope\" is not an OU of this tenant (known "
                                    "OUs: a, b); use \"\" for a top-level OU"));
}

TEST_F(ConfigLoaderTest, OuCyclesAreNamed) {
  LoadResult r = Load(R"toml(
[[tenants]]
id = "t"
[[tenants.ous]]
id = "top"
[[tenants.ous]]
id = "x"
parent = "z"
[[tenants.ous]]
id = "y"
parent = "x"
[[tenants.ous]]
id = "z"
parent = "y"
[[tenants.ous]]
id = "hangs-off-cycle"
parent = "y"
[[tenants.ous]]
id = "self"
parent = "self"
)toml");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, ElementsAre("routerd.toml:" + std::to_string(Line("parent = \"z\"")) +
                                        ": tenants[0].ous[1] 'x': OU parents form a cycle: x -> z -> y -> x (every "
                                        "OU must lead up to a top-level OU with parent = \"\")",
                                    "routerd.toml:" + std::to_string(Line("parent = \"self\"")) +
                                        ": tenants[0].ous[5] 'self': OU parents form a cycle: self -> self (every "
                                        "OU must lead up to a top-level OU with parent = \"\")"));
}

TEST_F(ConfigLoaderTest, AgentReferencesAreChecked) {
  LoadResult r = Load(R"toml(
[[tenants]]
id = "t"
[[tenants.ous]]
id = "o"
[[tenants.skill_queues]]
id = "chat"
[[tenants.skill_queues]]
id = "phone"
media = "voice"

[[tenants.agents]]
employee_id = "lost"
ou = "nowhere"
type = "multimedia"

[[tenants.agents]]
employee_id = "m"
ou = "o"
type = "multimedia"
skill_queues = ["chat",
  "nosuch",
  "chat",
  "phone"]

[[tenants.agents]]
employee_id = "v"
ou = "o"
type = "voice"
skill_queues = ["chat", "phone"]

[[tenants.agents]]
employee_id = "both"
ou = "o"
type = "versatile"
skill_queues = ["chat", "phone"]
)toml");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, SizeIs(5));
  EXPECT_THAT(r.errors, HasError(Line("ou = \"nowhere\""), "tenants[0].agents[0] 'lost'",
                                 "ou = \"nowhere\" is not an OU of this tenant (known OUs: o)"));
  EXPECT_THAT(r.errors, HasError(Line("\"nosuch\""), "tenants[0].agents[1] 'm'",
                                 "skill_queues: \"nosuch\" is not a skill queue of this tenant (known skill "
                                 "queues: chat, phone)"));
  EXPECT_THAT(r.errors,
              HasError(Line("  \"chat\","), "tenants[0].agents[1] 'm'", "skill_queues lists \"chat\" twice"));
  EXPECT_THAT(r.errors, HasError(Line("  \"phone\"]"), "tenants[0].agents[1] 'm'",
                                 "skill_queues: a multimedia agent cannot serve the voice queue 'phone'"));
  EXPECT_THAT(r.errors, HasError(Line("skill_queues = [\"chat\", \"phone\"]"), "tenants[0].agents[2] 'v'",
                                 "skill_queues: a voice agent cannot serve the multimedia queue 'chat'"));
}

TEST_F(ConfigLoaderTest, ChannelReferencesAreChecked) {
  LoadResult r = Load(R"toml(
[[tenants]]
id = "t"
[[tenants.skill_queues]]
id = "chat"
[[tenants.skill_queues]]
id = "phone"
media = "voice"

[[tenants.channels]]
id = "c1"
kind = "telegram"
skill_queue = "chat"

[[tenants.channels]]
id = "c2"
kind = "fake"
skill_queue = "nosuch"
token = "x"

[[tenants.channels]]
id = "c3"
kind = "fake"
skill_queue = "phone"
token = "x"
)toml");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, SizeIs(3));
  EXPECT_THAT(r.errors, HasError(Line("telegram"), "tenants[0].channels[0] 'c1'",
                                 "kind = \"telegram\" is not a registered channel kind (registered: fake, throws)"));
  EXPECT_THAT(r.errors, HasError(Line("\"nosuch\""), "tenants[0].channels[1] 'c2'",
                                 "skill_queue = \"nosuch\" is not a skill queue of this tenant (known skill queues: "
                                 "chat, phone)"));
  EXPECT_THAT(r.errors, HasError(Line("skill_queue = \"phone\""), "tenants[0].channels[2] 'c3'",
                                 "skill_queue = \"phone\" is a voice queue; channels bring multimedia sessions"));
}

TEST_F(ConfigLoaderTest, OverflowTargetsAreChecked) {
  LoadResult r = Load(R"toml(
[[tenants]]
id = "t"
[[tenants.skill_queues]]
id = "bad-syntax"
on_overflow = "voicemail"
[[tenants.skill_queues]]
id = "unknown-target"
on_overflow = "queue:ghost"
[[tenants.skill_queues]]
id = "empty-target"
on_overflow = "queue:"
[[tenants.skill_queues]]
id = "me"
on_overflow = "queue:me"
[[tenants.skill_queues]]
id = "p"
on_overflow = "queue:q"
[[tenants.skill_queues]]
id = "q"
on_overflow = "queue:r"
[[tenants.skill_queues]]
id = "r"
on_overflow = "queue:p"
[[tenants.skill_queues]]
id = "into-cycle"
on_overflow = "queue:p"
[[tenants.skill_queues]]
id = "to-voice"
on_overflow = "queue:phones"
[[tenants.skill_queues]]
id = "phones"
media = "voice"
)toml");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, SizeIs(6));
  EXPECT_THAT(r.errors, HasError(Line("voicemail"), "tenants[0].skill_queues[0] 'bad-syntax'",
                                 "on_overflow = \"voicemail\" is not valid (allowed: \"leave_message\" or "
                                 "\"queue:<skill queue id>\")"));
  EXPECT_THAT(r.errors, HasError(Line("queue:ghost"), "tenants[0].skill_queues[1] 'unknown-target'",
                                 "on_overflow = \"queue:ghost\" names an unknown skill queue (known skill queues: "));
  EXPECT_THAT(r.errors, HasError(Line("\"queue:\""), "tenants[0].skill_queues[2] 'empty-target'",
                                 "on_overflow = \"queue:\" is not valid"));
  EXPECT_THAT(r.errors, HasError(Line("queue:me"), "tenants[0].skill_queues[3] 'me'",
                                 "on_overflow = \"queue:me\" points at the queue itself (a session would bounce "
                                 "forever)"));
  EXPECT_THAT(r.errors, HasError(Line("queue:q"), "tenants[0].skill_queues[4] 'p'",
                                 "on_overflow chain forms a cycle: p -> q -> r -> p (a session would bounce "
                                 "forever); end the chain with \"leave_message\""));
  EXPECT_THAT(r.errors, HasError(Line("queue:phones"), "tenants[0].skill_queues[8] 'to-voice'",
                                 "on_overflow = \"queue:phones\" is a voice queue; a multimedia queue may only "
                                 "overflow to a multimedia queue"));
}

TEST_F(ConfigLoaderTest, ManyKindsOfErrorsAreAllReportedInOneLoad) {
  LoadResult r = Load(R"toml(
[server]
listen = "nowhere"
[[tenants]]
id = "t"
max_concurrent_sessions = 61
[[tenants.ous]]
id = "o"
parent = "o"
[[tenants.skill_queues]]
id = "q"
strategy = "fastest"
on_overflow = "queue:q"
[[tenants.agents]]
employee_id = "a"
ou = "p"
type = "voice"
skill_queues = ["q"]
[[tenants.channels]]
id = "c"
kind = "fake"
skill_queue = "q"
)toml");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, SizeIs(8));
  for (size_t i = 1; i < r.errors.size(); ++i) {
    EXPECT_LE(std::stoi(r.errors[i - 1].substr(13)), std::stoi(r.errors[i].substr(13))) << "sorted by line";
  }
}

TEST_F(ConfigLoaderTest, ExceptionsFromAFactoryDoNotEscape) {
  std::string text(kGood);
  text += "[[tenants.channels]]\nid = \"boom\"\nkind = \"throws\"\nskill_queue = \"general\"\n";
  LoadResult r = Load(text);
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, ElementsAre("routerd.toml:" + std::to_string(Line("id = \"boom\"") - 1) +
                                    ": tenants[0].channels[1] 'boom': the throws adapter failed while loading: "
                                    "factory blew up"));
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

TEST_F(ConfigLoaderTest, ChannelIdsMustBeUniqueAcrossTenantsBecauseUrlsNameThem) {
  LoadResult r = Load(R"toml(
[[tenants]]
id = "t"
[[tenants.skill_queues]]
id = "q"
[[tenants.channels]]     # in t
id = "shared"
kind = "fake"
skill_queue = "q"
token = "x"

[[tenants]]
id = "u"
[[tenants.skill_queues]]
id = "q"
[[tenants.channels]]     # in u
id = "shared"
kind = "fake"
skill_queue = "q"
token = "x"
)toml");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, SizeIs(1));
  EXPECT_THAT(r.errors, HasError(Line("# in u"), "tenants[1].channels 'shared'",
                                 "channel id 'shared' is also used by tenant 't' (line " +
                                     std::to_string(Line("# in t")) +
                                     "); webhook URLs name channels by id, so ids must be unique across tenants"));
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

TEST_F(ConfigLoaderTest, TokensKeepOnlyTheirDigestAndEveryMistakeIsNamed) {
  ::setenv("ROUTERD_TEST_TOKEN", "agent-secret", 1);
  LoadResult good = Load(R"toml(
[[tenants]]
id = "t"
[[tenants.ous]]
id = "o"
[[tenants.agents]]
employee_id = "a"
ou = "o"
type = "multimedia"
[[tenants.tokens]]
role = "tenant_admin"
name = "ops"
token_sha256 = "91c16f0d6cc1bec3c3603972182a07c66ff4fa71618a975e963d6dbe42b6dd37"
[[tenants.tokens]]
role = "agent"
employee_id = "a"
token_env = "ROUTERD_TEST_TOKEN"
)toml");
  ASSERT_TRUE(good.config.has_value()) << ::testing::PrintToString(good.errors);
  const auto& tokens = good.config->tenants[0].tokens;
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].name, "ops");
  EXPECT_EQ(tokens[0].role, TokenConfig::Role::kTenantAdmin);
  EXPECT_EQ(tokens[1].name, "agent:a");
  EXPECT_EQ(tokens[1].employee_id, "a");
  // SHA-256("agent-secret"); the token itself is not kept anywhere.
  EXPECT_EQ(tokens[1].sha256.size(), 32u);
  EXPECT_EQ(static_cast<unsigned char>(tokens[1].sha256[0]), 0xccu);

  LoadResult bad = Load(R"toml(
[[tenants]]
id = "t"
[[tenants.ous]]
id = "o"
[[tenants.agents]]
employee_id = "a"
ou = "o"
type = "multimedia"
[[tenants.tokens]]
role = "agent"                                   # no employee
token_sha256 = "91c16f0d6cc1bec3c3603972182a07c66ff4fa71618a975e963d6dbe42b6dd37"
[[tenants.tokens]]
role = "agent"
employee_id = "ghost"                            # unknown agent
token_sha256 = "91c16f0d6cc1bec3c3603972182a07c66ff4fa71618a975e963d6dbe42b6dd38"
[[tenants.tokens]]
role = "tenant_admin"
token_sha256 = "abc"                             # short hex
[[tenants.tokens]]                               # two sources
role = "tenant_admin"
token_sha256 = "91c16f0d6cc1bec3c3603972182a07c66ff4fa71618a975e963d6dbe42b6dd37"
token_env = "ROUTERD_TEST_TOKEN"
)toml");
  EXPECT_FALSE(bad.config.has_value());
  EXPECT_THAT(bad.errors, SizeIs(4)) << ::testing::PrintToString(bad.errors);
  EXPECT_THAT(bad.errors, HasError(Line("# no employee") - 1, "tenants[0].tokens[0]",
                                   "an agent token needs employee_id (the agent it acts as)"));
  EXPECT_THAT(bad.errors, HasError(Line("# unknown agent"), "tenants[0].tokens[1]",
                                   "employee_id = \"ghost\" is not an agent of tenant 't'"));
  EXPECT_THAT(bad.errors, HasError(Line("# short hex"), "tenants[0].tokens[2]",
                                   "token_sha256 must be 64 hex digits (the SHA-256 of the token)"));
  EXPECT_THAT(bad.errors, HasError(Line("# two sources"), "tenants[0].tokens[3]",
                                   "give exactly one of token_sha256 (hex SHA-256 of the token), token_env or token_file"));
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

// The authenticator finds a token by its digest alone: one configured in two
// tenants would act in whichever tenant it found first.
TEST_F(ConfigLoaderTest, SameTokenInTwoTenantsIsAnErrorNamingBothPlaces) {
  ::setenv("ROUTERD_TEST_SHARED_TOKEN", "shared-secret", 1);
  LoadResult r = Load(R"toml(
[[tenants]]
id = "t1"
[[tenants.ous]]
id = "o"
[[tenants.agents]]
employee_id = "a"
ou = "o"
type = "multimedia"
[[tenants.tokens]]                               # first place
role = "agent"
employee_id = "a"
token_env = "ROUTERD_TEST_SHARED_TOKEN"

[[tenants]]
id = "t2"
[[tenants.ous]]
id = "o"
[[tenants.agents]]
employee_id = "b"
ou = "o"
type = "multimedia"
[[tenants.tokens]]
role = "tenant_admin"
token_sha256 = "91c16f0d6cc1bec3c3603972182a07c66ff4fa71618a975e963d6dbe42b6dd37"
[[tenants.tokens]]                               # second place
role = "agent"
employee_id = "b"
token_env = "ROUTERD_TEST_SHARED_TOKEN"
)toml");
  EXPECT_FALSE(r.config.has_value());
  ASSERT_THAT(r.errors, SizeIs(1)) << ::testing::PrintToString(r.errors);
  EXPECT_THAT(r.errors, HasError(Line("# second place"), "tenants[1].tokens[1]",
                                 "the same token is already configured at routerd.toml:" +
                                     std::to_string(Line("# first place")) +
                                     " (tenants[0].tokens[0]); a token must be unique across all tenants"));
}

TEST_F(ConfigLoaderTest, LeavePermissionsDefaultPerRole) {
  LoadResult r = Load(R"toml(
[[tenants]]
id = "t"
[[tenants.skill_queues]]
id = "q"
)toml");
  ASSERT_THAT(r.errors, IsEmpty());
  const LeavePermissions& p = r.config->tenants[0].permissions;
  using Role = TokenConfig::Role;
  for (LeaveOperation op : {LeaveOperation::kQuery, LeaveOperation::kAllocate, LeaveOperation::kProcess,
                            LeaveOperation::kSubmit, LeaveOperation::kDownload, LeaveOperation::kViewContact}) {
    EXPECT_TRUE(p.Allows(Role::kTenantAdmin, op)) << LeaveOperationName(op);
    EXPECT_EQ(p.Allows(Role::kAgent, op), op != LeaveOperation::kAllocate) << LeaveOperationName(op);
  }
  EXPECT_TRUE(r.config->tenants[0].skill_queues[0].auto_allocate);
}

TEST_F(ConfigLoaderTest, LeavePermissionsGiveEachRoleExactlyWhatIsListed) {
  LoadResult r = Load(R"toml(
[[tenants]]
id = "t"
[[tenants.skill_queues]]
id = "q"
auto_allocate = false
[tenants.permissions]
tenant_admin = ["query", "download"]
agent = []
[[tenants]]
id = "u"
[tenants.permissions]
agent = ["allocate", "query"]
)toml");
  ASSERT_THAT(r.errors, IsEmpty());
  using Role = TokenConfig::Role;
  const LeavePermissions& t = r.config->tenants[0].permissions;
  EXPECT_EQ(t.tenant_admin, LeavePermissions::Bit(LeaveOperation::kQuery) |
                                LeavePermissions::Bit(LeaveOperation::kDownload));
  EXPECT_EQ(t.agent, 0u);
  EXPECT_FALSE(t.Allows(Role::kTenantAdmin, LeaveOperation::kAllocate));
  EXPECT_FALSE(r.config->tenants[0].skill_queues[0].auto_allocate);
  const LeavePermissions& u = r.config->tenants[1].permissions;
  EXPECT_EQ(u.tenant_admin, LeavePermissions::kAll);  // not given: default
  EXPECT_EQ(u.agent, LeavePermissions::Bit(LeaveOperation::kAllocate) | LeavePermissions::Bit(LeaveOperation::kQuery));
}

TEST_F(ConfigLoaderTest, ViewContactIsAPermissionLikeTheOthers) {
  LoadResult r = Load(R"toml(
[[tenants]]
id = "t"
[tenants.permissions]
tenant_admin = ["query", "allocate", "view_contact"]
agent = ["query", "process", "submit"]
)toml");
  ASSERT_THAT(r.errors, IsEmpty());
  using Role = TokenConfig::Role;
  const LeavePermissions& p = r.config->tenants[0].permissions;
  EXPECT_EQ(p.tenant_admin, LeavePermissions::Bit(LeaveOperation::kQuery) |
                                LeavePermissions::Bit(LeaveOperation::kAllocate) |
                                LeavePermissions::Bit(LeaveOperation::kViewContact));
  EXPECT_TRUE(p.Allows(Role::kTenantAdmin, LeaveOperation::kViewContact));
  EXPECT_FALSE(p.Allows(Role::kAgent, LeaveOperation::kViewContact));
  EXPECT_EQ(LeaveOperationName(LeaveOperation::kViewContact), "view_contact");
  EXPECT_EQ(ParseLeaveOperation("view_contact"), LeaveOperation::kViewContact);
  EXPECT_EQ(LeavePermissions::kAll, 0x3fu);
}

TEST_F(ConfigLoaderTest, LeavePermissionMistakesAreNamedWithTheirLine) {
  LoadResult r = Load(R"toml(
[[tenants]]
id = "t"
[[tenants.skill_queues]]
id = "q"
auto_allocate = "yes"
[tenants.permissions]
tenant_admin = [
  "query",
  "delete",
  "query",
]
agent = "query"
supervisor = ["query"]
)toml");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, SizeIs(5)) << ::testing::PrintToString(r.errors);
  EXPECT_THAT(r.errors, HasError(Line("auto_allocate"), "tenants[0].skill_queues[0] 'q'",
                                 "auto_allocate must be true or false (got string)"));
  EXPECT_THAT(r.errors, HasError(Line("\"delete\""), "tenants[0].permissions",
                                 "tenant_admin: \"delete\" is not a leave-message operation (allowed: query, "
                                 "allocate, process, submit, download, view_contact)"));
  EXPECT_THAT(r.errors, HasError(Line("\"query\",\n]"), "tenants[0].permissions",
                                 "tenant_admin lists \"query\" twice"));
  EXPECT_THAT(r.errors, HasError(Line("agent = "), "tenants[0].permissions", "agent must be"));
  EXPECT_THAT(r.errors, HasError(Line("supervisor"), "tenants[0].permissions",
                                 "unknown key 'supervisor'; allowed keys: tenant_admin, agent"));
}

}  // namespace
}  // namespace routerd::config
