// The configuration loader's cross-references: ids unique where they must be,
// OU parents without cycles, agents', channels' and overflow targets' queues.
#include "engine/config/config_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/config/config_loader_fixture.h"

namespace routerd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::SizeIs;
using testing::HasError;
using testing::ConfigLoaderTest;
using testing::kGood;

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


}  // namespace
}  // namespace routerd::config
