// [tenants.personal_settings]: defaults (agents may set their own cap, 1..60),
// every key read, and mistakes named with their line and key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/config/config_loader.h"
#include "tests/config/config_test_util.h"

namespace routerd::config {
namespace {

using testing::HasError;

using PersonalSettingsConfigTest = testing::OneTenantConfigTest;

TEST_F(PersonalSettingsConfigTest, AgentsMaySetTheirCapWithinOneToSixtyByDefault) {
  LoadResult r = Load("");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  const PersonalSettings& p = r.config->tenants[0].personal_settings;
  EXPECT_TRUE(p.agent_sets_cap);
  EXPECT_EQ(p.agent_cap_min, 1);
  EXPECT_EQ(p.agent_cap_max, 60);
}

TEST_F(PersonalSettingsConfigTest, EveryKey) {
  LoadResult r = Load("[tenants.personal_settings]\nagent_sets_cap = false\nagent_cap_min = 2\nagent_cap_max = 8\n");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  const PersonalSettings& p = r.config->tenants[0].personal_settings;
  EXPECT_FALSE(p.agent_sets_cap);
  EXPECT_EQ(p.agent_cap_min, 2);
  EXPECT_EQ(p.agent_cap_max, 8);
}

TEST_F(PersonalSettingsConfigTest, MistakesNameTheirLineAndKey) {
  LoadResult r = Load(
      "[tenants.personal_settings]\nagent_sets_cap = \"yes\"\nagent_cap_min = 9\nagent_cap_max = 3\nagent_cap = 4\n");
  EXPECT_FALSE(r.config.has_value());
  const std::string where = "tenants[0].personal_settings";
  EXPECT_THAT(r.errors, HasError(Line("agent_sets_cap"), where, "agent_sets_cap"));
  EXPECT_THAT(r.errors, HasError(Line("agent_cap_max"), where, "agent_cap_max = 3 is below agent_cap_min = 9"));
  EXPECT_THAT(r.errors, HasError(Line("agent_cap ="), where, "unknown key 'agent_cap'"));
  r = Load("[tenants.personal_settings]\nagent_cap_max = 61\n");
  EXPECT_THAT(r.errors, HasError(Line("agent_cap_max"), where, "agent_cap_max = 61 is out of range"));
}

}  // namespace
}  // namespace routerd::config
