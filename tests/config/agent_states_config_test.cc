// [tenants.agent_states] and a skill queue's wrap_up_seconds: defaults, every
// key read, and mistakes named with their line and key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/config/config_loader.h"
#include "tests/config/config_test_util.h"

namespace routerd::config {
namespace {

using testing::HasError;

using AgentStatesConfigTest = testing::OneTenantConfigTest;

TEST_F(AgentStatesConfigTest, DefaultsOfferFourReasonsAndNoAfterContactWork) {
  LoadResult r = Load("[[tenants.skill_queues]]\nid = \"q\"\n");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  EXPECT_EQ(r.config->tenants[0].not_ready_reasons, (std::vector<std::string>{"break", "lunch", "meeting", "training"}));
  EXPECT_EQ(r.config->tenants[0].skill_queues[0].wrap_up_seconds, 0);
}

TEST_F(AgentStatesConfigTest, EveryKey) {
  LoadResult r = Load(
      "[tenants.agent_states]\nnot_ready_reasons = [\"coaching\", \"back_office\"]\n"
      "[[tenants.skill_queues]]\nid = \"q\"\nwrap_up_seconds = 45\n");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  EXPECT_EQ(r.config->tenants[0].not_ready_reasons, (std::vector<std::string>{"coaching", "back_office"}));
  EXPECT_EQ(r.config->tenants[0].skill_queues[0].wrap_up_seconds, 45);
  // An empty list: not ready only without a reason.
  r = Load("[tenants.agent_states]\nnot_ready_reasons = []\n");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  EXPECT_TRUE(r.config->tenants[0].not_ready_reasons.empty());
}

TEST_F(AgentStatesConfigTest, MistakesNameTheirLineAndKey) {
  LoadResult r = Load(
      "[tenants.agent_states]\nnot_ready_reasons = [\"lunch\",\n \"lunch\",\n \"on break\"]\nreasons = 1\n"
      "[[tenants.skill_queues]]\nid = \"q\"\nwrap_up_seconds = 3601\n");
  EXPECT_FALSE(r.config.has_value());
  const std::string where = "tenants[0].agent_states";
  EXPECT_THAT(r.errors, HasError(Line(" \"lunch\""), where, "not_ready_reasons lists \"lunch\" twice"));
  EXPECT_THAT(r.errors, HasError(Line("on break"), where, "\"on break\" is not a valid reason"));
  EXPECT_THAT(r.errors, HasError(Line("reasons = 1"), where, "unknown key 'reasons'"));
  EXPECT_THAT(r.errors, HasError(Line("wrap_up_seconds"), "tenants[0].skill_queues[0] 'q'",
                                 "wrap_up_seconds = 3601 is out of range"));
  std::string many = "[tenants.agent_states]\nnot_ready_reasons = [";
  for (int i = 0; i < 33; ++i) many += (i ? ",\"r" : "\"r") + std::to_string(i) + "\"";
  r = Load(many + "]\n");
  EXPECT_THAT(r.errors, HasError(Line("not_ready_reasons"), where, "33 reasons (allowed: at most 32)"));
}

}  // namespace
}  // namespace routerd::config
