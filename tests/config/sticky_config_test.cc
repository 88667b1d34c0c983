// Sticky routing keys of a skill queue: defaults, values, and mistakes named
// with their line and key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/config/config_loader.h"
#include "tests/config/config_test_util.h"

namespace routerd::config {
namespace {

using testing::HasError;

using StickyConfigTest = testing::OneTenantConfigTest;

TEST_F(StickyConfigTest, OffByDefault) {
  LoadResult r = Load("[[tenants.skill_queues]]\nid = \"q\"\n");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  EXPECT_EQ(r.config->tenants[0].skill_queues[0].sticky_seconds, 0);
  EXPECT_EQ(r.config->tenants[0].skill_queues[0].sticky_wait_seconds, 30);
}

TEST_F(StickyConfigTest, KeysAndRanges) {
  LoadResult r = Load("[[tenants.skill_queues]]\nid = \"q\"\nsticky_seconds = 86400\nsticky_wait_seconds = 45\n");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  EXPECT_EQ(r.config->tenants[0].skill_queues[0].sticky_seconds, 86400);
  EXPECT_EQ(r.config->tenants[0].skill_queues[0].sticky_wait_seconds, 45);

  r = Load("[[tenants.skill_queues]]\nid = \"q\"\nsticky_seconds = 2592001\nsticky_wait_seconds = 0\n");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, HasError(Line("sticky_seconds"), "tenants[0].skill_queues[0] 'q'",
                                 "sticky_seconds = 2592001 is out of range"));
  EXPECT_THAT(r.errors, HasError(Line("sticky_wait_seconds"), "tenants[0].skill_queues[0] 'q'",
                                 "sticky_wait_seconds = 0 is out of range"));
}

}  // namespace
}  // namespace routerd::config
