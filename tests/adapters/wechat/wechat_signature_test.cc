#include "wechat/wechat_signature.h"

#include <gtest/gtest.h>

#include <array>

#include "tests/adapters/wechat/wechat_vectors.h"

namespace routerd::adapters::wechat {
namespace {

using testing::kW4Encrypt;

TEST(WeChatSignatureTest, W1HandshakeVector) {
  EXPECT_TRUE(VerifySignature("AAAAA", "1714036504", "1514711492", "f464b24fc39322e44b38aa78f5edd27bd1441696"));
  const std::array<std::string_view, 3> parts = {"AAAAA", "1714036504", "1514711492"};
  EXPECT_EQ(SortedSha1Hex(parts), "f464b24fc39322e44b38aa78f5edd27bd1441696");
}

TEST(WeChatSignatureTest, W2PostVector) {
  EXPECT_TRUE(VerifySignature("AAAAA", "1714037059", "486452656", "899cf89e464efb63f54ddac96b0a0a235f53aa78"));
}

TEST(WeChatSignatureTest, W3WechatpyVector) {
  EXPECT_TRUE(VerifySignature("test", "1410685589", "test", "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"));
}

TEST(WeChatSignatureTest, OrderOfInputsDoesNotMatter) {
  const std::array<std::string_view, 3> shuffled = {"1514711492", "AAAAA", "1714036504"};
  EXPECT_EQ(SortedSha1Hex(shuffled), "f464b24fc39322e44b38aa78f5edd27bd1441696");
}

TEST(WeChatSignatureTest, AcceptsUpperCaseHexRejectsEverythingElse) {
  EXPECT_TRUE(VerifySignature("AAAAA", "1714036504", "1514711492", "F464B24FC39322E44B38AA78F5EDD27BD1441696"));
  EXPECT_FALSE(VerifySignature("AAAAA", "1714036504", "1514711492", ""));
  EXPECT_FALSE(VerifySignature("AAAAA", "1714036504", "1514711492", "f464b24fc39322e44b38aa78f5edd27bd144169"));
  EXPECT_FALSE(VerifySignature("AAAAA", "1714036504", "1514711492", "f464b24fc39322e44b38aa78f5edd27bd1441697"));
  EXPECT_FALSE(VerifySignature("AAAAB", "1714036504", "1514711492", "f464b24fc39322e44b38aa78f5edd27bd1441696"));
  EXPECT_FALSE(VerifySignature("AAAAA", "1714036505", "1514711492", "f464b24fc39322e44b38aa78f5edd27bd1441696"));
}

TEST(WeChatSignatureTest, W4MsgSignature) {
  EXPECT_TRUE(VerifyMsgSignature("pamtest", "1458300676", "260774613", kW4Encrypt,
                                 "4f3ad57b6989f09f4eb392acce4f9e93942ed890"));
  // signature instead of msg_signature (the FAQ's common mistake) does not verify.
  EXPECT_FALSE(VerifyMsgSignature("pamtest", "1458300676", "260774613", kW4Encrypt,
                                  "f464b24fc39322e44b38aa78f5edd27bd1441696"));
  std::string tampered(kW4Encrypt);
  tampered[0] = 's';
  EXPECT_FALSE(VerifyMsgSignature("pamtest", "1458300676", "260774613", tampered,
                                  "4f3ad57b6989f09f4eb392acce4f9e93942ed890"));
}

TEST(WeChatSignatureTest, W5WeComMsgSignatures) {
  EXPECT_TRUE(VerifyMsgSignature(
      "123456", "1411525903", "461056294",
      "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzx"
      "h6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOA"
      "QqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccT"
      "Ke7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=",
      "74d92dfeb87ba7c714f89d98870ae5eb62dff26d"));
  EXPECT_TRUE(VerifyMsgSignature(
      "123456", "1411443780", "437374425",
      "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==",
      "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96"));
}

}  // namespace
}  // namespace routerd::adapters::wechat
