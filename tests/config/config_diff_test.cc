// What a reload reports as needing a restart: every changed table or tenant
// key, tenants added and removed, never the tokens, and nothing for a file
// that was only reformatted.
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
              ElementsAre("[server]", "[storage]", "tenant 'acme': agents", "tenant 'acme': max_concurrent_sessions",
                          "tenant 'globex' removed", "tenant 'initech' added"));
}

}  // namespace
}  // namespace routerd::config
