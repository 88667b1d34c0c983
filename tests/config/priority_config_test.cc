// Session priority keys: a queue's priority and aging, a channel's priority;
// defaults, and mistakes named with their line and key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/config/config_loader.h"
#include "tests/config/config_test_util.h"

namespace routerd::config {
namespace {

using testing::HasError;

using PriorityConfigTest = testing::OneTenantConfigTest;

TEST_F(PriorityConfigTest, DefaultsAreFirstComeFirstServed) {
  LoadResult r = Load("[[tenants.skill_queues]]\nid = \"q\"\n");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  EXPECT_EQ(r.config->tenants[0].skill_queues[0].priority, 0);
  EXPECT_EQ(r.config->tenants[0].skill_queues[0].priority_aging_seconds, 60);
}

TEST_F(PriorityConfigTest, QueueAndChannelKeys) {
  LoadResult r = Load(
      "[[tenants.skill_queues]]\nid = \"q\"\npriority = 2\npriority_aging_seconds = 15\n"
      "[[tenants.channels]]\nid = \"vip\"\nkind = \"fake\"\nskill_queue = \"q\"\ntoken = \"0123456789abcdef\"\n"
      "priority = 7\n");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  EXPECT_EQ(r.config->tenants[0].skill_queues[0].priority, 2);
  EXPECT_EQ(r.config->tenants[0].skill_queues[0].priority_aging_seconds, 15);
  EXPECT_EQ(r.config->tenants[0].channels[0].priority, 7);
}

TEST_F(PriorityConfigTest, MistakesNameTheirLineAndKey) {
  LoadResult r = Load(
      "[[tenants.skill_queues]]\nid = \"q\"\npriority = 10\npriority_aging_seconds = 0\n"
      "[[tenants.channels]]\nid = \"vip\"\nkind = \"fake\"\nskill_queue = \"q\"\ntoken = \"0123456789abcdef\"\n"
      "priority = -1\n");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, HasError(Line("priority = 10"), "tenants[0].skill_queues[0] 'q'", "priority = 10 is out of range"));
  EXPECT_THAT(r.errors, HasError(Line("priority_aging_seconds"), "tenants[0].skill_queues[0] 'q'",
                                 "priority_aging_seconds = 0 is out of range"));
  EXPECT_THAT(r.errors, HasError(Line("priority = -1"), "tenants[0].channels[0] 'vip'", "priority = -1 is out of range"));
}

}  // namespace
}  // namespace routerd::config
