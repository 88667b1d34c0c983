// What a reload reports as needing a restart: every changed table or tenant
// key, tenants added and removed, never the tokens or the caps, and nothing
// for a file that was only reformatted.
#include "engine/config/config_diff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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
  EXPECT_THAT(ChangedPartsBesideTokens(kBase, changed),
              ElementsAre("[server]", "[storage]", "tenant 'acme': agents", "tenant 'globex' removed",
                          "tenant 'initech' added"));
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
  // Beside another change of the same table, that one is named.
  std::string moved = caps;
  moved.replace(moved.find("ou = \"root\""), 11, "ou = \"desk\"");
  EXPECT_THAT(ChangedPartsBesideTokens(kWithOu, moved), ElementsAre("tenant 'acme': agents"));
  std::string added = caps + "[[tenants.agents]]\nemployee_id = \"a2\"\nmax_concurrent_sessions = 2\n";
  EXPECT_THAT(ChangedPartsBesideTokens(kWithOu, added), ElementsAre("tenant 'acme': agents"));
}

TEST(ConfigDiffTest, TheIdleTimeoutAndTheLimitsOfQueuesNeedNoRestart) {
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
                 "max_wait_seconds = 30\nmax_waiting = 5\nwrap_up_seconds = 20\nsticky_seconds = 3600");
  EXPECT_THAT(ChangedPartsBesideTokens(kQueue, limits), IsEmpty());
  std::string strategy = limits;
  strategy.replace(strategy.find("least_busy"), 10, "round_robin");
  EXPECT_THAT(ChangedPartsBesideTokens(kQueue, strategy), ElementsAre("tenant 'acme': skill_queues"));
}

}  // namespace
}  // namespace routerd::config
