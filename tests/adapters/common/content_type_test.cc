#include "common/content_type.h"

#include <gtest/gtest.h>

namespace routerd::adapters {
namespace {

TEST(MediaTypeIsTest, MatchesWithParametersAndCase) {
  EXPECT_TRUE(MediaTypeIs("application/json", "application/json"));
  EXPECT_TRUE(MediaTypeIs("application/json; charset=utf-8", "application/json"));
  EXPECT_TRUE(MediaTypeIs("Application/JSON;charset=UTF-8", "application/json"));
  EXPECT_TRUE(MediaTypeIs("  application/json  ; charset=utf-8", "application/json"));
}

TEST(MediaTypeIsTest, RejectsOtherTypes) {
  EXPECT_FALSE(MediaTypeIs("", "application/json"));
  EXPECT_FALSE(MediaTypeIs("text/plain", "application/json"));
  EXPECT_FALSE(MediaTypeIs("application/json-patch+json", "application/json"));
  EXPECT_FALSE(MediaTypeIs("application/jsonx", "application/json"));
  EXPECT_FALSE(MediaTypeIs("application/x-www-form-urlencoded", "application/json"));
}

}  // namespace
}  // namespace routerd::adapters
