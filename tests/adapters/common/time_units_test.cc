#include "common/time_units.h"

#include <gtest/gtest.h>

#include <limits>

namespace routerd::adapters {
namespace {

TEST(EpochToMillisTest, SecondsAreScaled) {
  EXPECT_EQ(EpochToMillis(1749416383), 1749416383000);
  EXPECT_EQ(EpochToMillis(0), 0);
  EXPECT_EQ(EpochToMillis(999'999'999'999), 999'999'999'999'000);
}

TEST(EpochToMillisTest, MillisecondsAreKept) {
  EXPECT_EQ(EpochToMillis(1'000'000'000'000), 1'000'000'000'000);
  EXPECT_EQ(EpochToMillis(1458692752478), 1458692752478);
  EXPECT_EQ(EpochToMillis(std::numeric_limits<std::int64_t>::max()),
            std::numeric_limits<std::int64_t>::max());
}

TEST(EpochToMillisTest, NegativeValuesDoNotOverflow) {
  EXPECT_EQ(EpochToMillis(-5), -5000);
  EXPECT_EQ(EpochToMillis(std::numeric_limits<std::int64_t>::min()),
            std::numeric_limits<std::int64_t>::min());
}

TEST(ParseEpochStringTest, Digits) {
  EXPECT_EQ(ParseEpochString("1749416383"), 1749416383);
  EXPECT_EQ(ParseEpochString("1542039186292"), 1542039186292);
  EXPECT_EQ(ParseEpochString("0"), 0);
  EXPECT_EQ(ParseEpochString("007"), 7);
  EXPECT_EQ(ParseEpochString("9223372036854775807"), std::numeric_limits<std::int64_t>::max());
}

TEST(ParseEpochStringTest, Rejects) {
  EXPECT_EQ(ParseEpochString(""), std::nullopt);
  EXPECT_EQ(ParseEpochString("-1"), std::nullopt);
  EXPECT_EQ(ParseEpochString("+1"), std::nullopt);
  EXPECT_EQ(ParseEpochString(" 1"), std::nullopt);
  EXPECT_EQ(ParseEpochString("1 "), std::nullopt);
  EXPECT_EQ(ParseEpochString("1.5"), std::nullopt);
  EXPECT_EQ(ParseEpochString("1e3"), std::nullopt);
  EXPECT_EQ(ParseEpochString("9223372036854775808"), std::nullopt);
  EXPECT_EQ(ParseEpochString("99999999999999999999999"), std::nullopt);
}

}  // namespace
}  // namespace routerd::adapters
