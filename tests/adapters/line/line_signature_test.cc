#include "line/line_signature.h"

#include <gtest/gtest.h>

#include "tests/adapters/common/adapter_test_util.h"

namespace routerd::adapters::line {
namespace {

using testing::ReadFixture;

// channels.md §7.6: line-bot-sdk-python tests/test_signature.py.
TEST(LineSignatureTest, SdkVector) {
  EXPECT_EQ(LineSignature("channel_secret", "bodybodybodybody"), "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=");
  EXPECT_TRUE(VerifyLineSignature("/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=", "channel_secret", "bodybodybodybody"));
}

// channels.md §7.6 (computed): the console's Verify body.
TEST(LineSignatureTest, VerifyBodyVector) {
  const std::string body = ReadFixture("line", "verify.json");
  EXPECT_EQ(LineSignature("channel_secret", body), "WAhii+CTOVmCuhGrR1QSR2c05bwHtsh0tflvv6CW9h4=");
  EXPECT_TRUE(VerifyLineSignature("WAhii+CTOVmCuhGrR1QSR2c05bwHtsh0tflvv6CW9h4=", "channel_secret", body));
}

TEST(LineSignatureTest, Rejects) {
  const std::string body = "bodybodybodybody";
  EXPECT_FALSE(VerifyLineSignature("/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=", "channel_secreT", body));
  EXPECT_FALSE(VerifyLineSignature("/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=", "channel_secret", body + "x"));
  EXPECT_FALSE(VerifyLineSignature("sha256=/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=", "channel_secret", body));
  EXPECT_FALSE(VerifyLineSignature("/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k", "channel_secret", body));
  EXPECT_FALSE(VerifyLineSignature("_gg9a-LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=", "channel_secret", body));
  EXPECT_FALSE(VerifyLineSignature("", "channel_secret", body));
  EXPECT_FALSE(VerifyLineSignature("AAAA", "channel_secret", body));
}

}  // namespace
}  // namespace routerd::adapters::line
