// How the configuration loader reports mistakes: syntax, types, ranges,
// unknown and missing keys, each with file, line and table, all of them at once.
#include "engine/config/config_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/config/config_loader_fixture.h"

namespace routerd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing::StartsWith;
using testing::HasError;
using testing::ConfigLoaderTest;
using testing::kGood;

TEST_F(ConfigLoaderTest, OutOfRangeMessageHasTheDocumentedShape) {
  std::string text(kGood);
  text.replace(text.find("max_concurrent_sessions = 2\n"), 27, "max_concurrent_sessions = 61");
  LoadResult r = Load(text);
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, ElementsAre("routerd.toml:" + std::to_string(Line("max_concurrent_sessions = 61")) +
                                    ": tenants[0].agents[0] 'a1': max_concurrent_sessions = 61 is out of range "
                                    "(allowed 1..60)"));
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


}  // namespace
}  // namespace routerd::config
