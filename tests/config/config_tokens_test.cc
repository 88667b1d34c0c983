// The configuration loader's access settings: tokens kept as digests, and the
// leave-message permissions of each role.
#include "engine/config/config_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdlib.h>
#include <string>

#include "tests/config/config_loader_fixture.h"

namespace routerd::config {
namespace {

using ::testing::IsEmpty;
using ::testing::SizeIs;
using testing::HasError;
using testing::ConfigLoaderTest;
using testing::kGood;

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
