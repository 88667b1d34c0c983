#include "web/web_signature.h"

#include <gtest/gtest.h>

#include <cctype>
#include <limits>

namespace routerd::adapters::web {
namespace {

// printf '%s' '1718000000.{"a":1}' | openssl dgst -sha256 -hmac websecret
constexpr char kVector[] = "sha256=3fcda3cd1cfdeac315e1d5c51656587040aaab65d33a937adfc15c75d49b4607";

TEST(WebSignatureTest, SignsTimestampDotBody) {
  EXPECT_EQ(WebSignature("websecret", "1718000000", R"({"a":1})"), kVector);
  EXPECT_TRUE(VerifyWebSignature(kVector, "websecret", "1718000000", R"({"a":1})"));
}

TEST(WebSignatureTest, UppercaseHexAccepted) {
  std::string upper = kVector;
  for (size_t i = 7; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  EXPECT_TRUE(VerifyWebSignature(upper, "websecret", "1718000000", R"({"a":1})"));
}

TEST(WebSignatureTest, Rejects) {
  const std::string body = R"({"a":1})";
  EXPECT_FALSE(VerifyWebSignature(kVector, "websecreT", "1718000000", body));
  EXPECT_FALSE(VerifyWebSignature(kVector, "websecret", "1718000001", body));  // timestamp is signed
  EXPECT_FALSE(VerifyWebSignature(kVector, "websecret", "1718000000", body + " "));
  EXPECT_FALSE(VerifyWebSignature(std::string(kVector).substr(7), "websecret", "1718000000", body));
  EXPECT_FALSE(VerifyWebSignature("sha256=", "websecret", "1718000000", body));
  EXPECT_FALSE(VerifyWebSignature("sha256=zz", "websecret", "1718000000", body));
  EXPECT_FALSE(VerifyWebSignature("", "websecret", "1718000000", body));
}

TEST(WebTimestampTest, ParsesDigitsOnly) {
  EXPECT_EQ(ParseTimestampHeader("1718000000"), 1718000000);
  EXPECT_EQ(ParseTimestampHeader(""), std::nullopt);
  EXPECT_EQ(ParseTimestampHeader("-1718000000"), std::nullopt);
  EXPECT_EQ(ParseTimestampHeader("1718000000.5"), std::nullopt);
  EXPECT_EQ(ParseTimestampHeader(" 1718000000"), std::nullopt);
  EXPECT_EQ(ParseTimestampHeader("17180000000000000000000"), std::nullopt);
}

TEST(WebTimestampTest, ReplayWindowIsInclusive) {
  const std::int64_t now_ms = 1'718'000'000'000;
  EXPECT_TRUE(WithinReplayWindow(1'718'000'000, now_ms, 300));
  EXPECT_TRUE(WithinReplayWindow(1'718'000'300, now_ms, 300));
  EXPECT_TRUE(WithinReplayWindow(1'717'999'700, now_ms, 300));
  EXPECT_FALSE(WithinReplayWindow(1'718'000'301, now_ms, 300));
  EXPECT_FALSE(WithinReplayWindow(1'717'999'699, now_ms, 300));
  // Sub-second clock: 300.5 s away is outside.
  EXPECT_FALSE(WithinReplayWindow(1'717'999'700, now_ms + 500, 300));
  EXPECT_FALSE(WithinReplayWindow(0, now_ms, 300));
}

TEST(WebTimestampTest, ExtremeValuesDoNotOverflow) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  EXPECT_FALSE(WithinReplayWindow(kMax, 0, 300));
  EXPECT_FALSE(WithinReplayWindow(kMax / 1000, kMin, 300));
  EXPECT_FALSE(WithinReplayWindow(kMin / 1000, kMax, 300));
  EXPECT_TRUE(WithinReplayWindow(0, 0, 0));
}

}  // namespace
}  // namespace routerd::adapters::web
