#include "wechat/wechat_crypto.h"

#include <gtest/gtest.h>

#include "common/encoding.h"
#include "wechat_test_util.h"
#include "tests/adapters/wechat/wechat_vectors.h"

namespace routerd::adapters::wechat {
namespace {

using testing::kW4Key;
using testing::kW4AppId;
using testing::kW4Encrypt;
using testing::kW5Key;

using testing::EncryptForTest;

constexpr std::string_view kW4Message =
    "<xml><URL><![CDATA[http://wechat.laravel.so/server]]></URL><ToUserName><![CDATA[asdasdasd]]></ToUserName>"
    "<FromUserName><![CDATA[asdasdasdsadasd]]></FromUserName><CreateTime>1234567898</CreateTime>"
    "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content><MsgId>12345</MsgId></xml>";

constexpr std::string_view kW5ReceiveId = "wx49f0ab532d5d035a";

std::string Key(std::string_view encoding_aes_key) { return DecodeEncodingAesKey(encoding_aes_key).value(); }

TEST(DecodeEncodingAesKeyTest, W4KeyDecodesTo32Bytes) {
  // The trailing 'G' leaves non-zero unused bits, which a canonical-only
  // base64 decoder refuses; WeChat's SDKs ignore them.
  auto key = DecodeEncodingAesKey(kW4Key);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(HexEncode(*key), "69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d0010831051");
}

TEST(DecodeEncodingAesKeyTest, W5Key) {
  EXPECT_EQ(HexEncode(Key(kW5Key)), "916c4f115d94103cb15a998f74a0b71787603c398ebdf297d471a71140d2d5a4");
}

TEST(DecodeEncodingAesKeyTest, RejectsWrongLengthAndAlphabet) {
  EXPECT_FALSE(DecodeEncodingAesKey("").ok());
  EXPECT_FALSE(DecodeEncodingAesKey(kW4Key.substr(0, 42)).ok());
  EXPECT_FALSE(DecodeEncodingAesKey(std::string(kW4Key) + "=").ok());
  EXPECT_FALSE(DecodeEncodingAesKey("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF-").ok());
  EXPECT_FALSE(DecodeEncodingAesKey("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF=").ok());
}

TEST(DecryptMessageTest, W4) {
  auto msg = DecryptMessage(Key(kW4Key), kW4Encrypt, kW4AppId);
  ASSERT_TRUE(msg.ok()) << msg.status().ToString();
  EXPECT_EQ(msg->size(), 293u);
  EXPECT_EQ(*msg, kW4Message);
}

TEST(DecryptMessageTest, W5WeComWithReceiveIdAsAppId) {
  auto msg = DecryptMessage(
      Key(kW5Key),
      "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzx"
      "h6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOA"
      "QqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccT"
      "Ke7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=",
      kW5ReceiveId);
  ASSERT_TRUE(msg.ok()) << msg.status().ToString();
  EXPECT_EQ(msg->size(), 281u);
  EXPECT_NE(msg->find("<FromUserName><![CDATA[messense]]></FromUserName>"), std::string::npos);
  EXPECT_NE(msg->find("<MsgId>4363689963896700987</MsgId>"), std::string::npos);
}

TEST(DecryptMessageTest, W5EncryptedEchostr) {
  auto echo = DecryptMessage(
      Key(kW5Key), "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==",
      kW5ReceiveId);
  ASSERT_TRUE(echo.ok()) << echo.status().ToString();
  EXPECT_EQ(*echo, "5927782489442352469");
}

TEST(DecryptMessageTest, WrongAppIdIsUnauthenticated) {
  auto msg = DecryptMessage(Key(kW4Key), kW4Encrypt, "wx0000000000000000");
  ASSERT_FALSE(msg.ok());
  EXPECT_EQ(msg.status().code(), StatusCode::kUnauthenticated);
}

TEST(DecryptMessageTest, WrongKeyIsUnauthenticated) {
  auto msg = DecryptMessage(Key(kW5Key), kW4Encrypt, kW4AppId);
  ASSERT_FALSE(msg.ok());
  EXPECT_EQ(msg.status().code(), StatusCode::kUnauthenticated);
}

TEST(DecryptMessageTest, RoundTripsEveryPadLength) {
  const std::string key = Key(kW4Key);
  // Message lengths that make the pad 1..32 bytes long.
  for (size_t extra = 0; extra < 32; ++extra) {
    const std::string msg = "<xml>" + std::string(extra, 'x') + "</xml>";
    auto out = DecryptMessage(key, EncryptForTest(key, "0123456789abcdef", msg, kW4AppId), kW4AppId);
    ASSERT_TRUE(out.ok()) << extra << ": " << out.status().ToString();
    EXPECT_EQ(*out, msg);
  }
}

TEST(DecryptMessageTest, RejectsBadPadding) {
  const std::string key = Key(kW4Key);
  for (int pad : {0, 33, 255}) {
    auto out = DecryptMessage(key, EncryptForTest(key, "0123456789abcdef", "<xml/>", kW4AppId, pad), kW4AppId);
    ASSERT_FALSE(out.ok()) << pad;
    EXPECT_EQ(out.status().code(), StatusCode::kUnauthenticated) << pad;
  }
}

// random(16) | len | msg | app id | pad, with the pad given byte by byte.
std::string Plain(std::uint32_t len, std::string_view msg, std::string_view app_id, std::string_view pad) {
  std::string plain = "0123456789abcdef";
  plain.push_back(static_cast<char>(len >> 24));
  plain.push_back(static_cast<char>((len >> 16) & 0xff));
  plain.push_back(static_cast<char>((len >> 8) & 0xff));
  plain.push_back(static_cast<char>(len & 0xff));
  plain.append(msg).append(app_id).append(pad);
  return plain;
}

TEST(DecryptMessageTest, RejectsPadBytesThatDisagree) {
  const std::string key = Key(kW4Key);
  // 16 + 4 + 6 + 18 = 44 bytes; a 20-byte pad reaches 64.
  std::string pad(20, '\x14');
  ASSERT_EQ(Plain(6, "<xml/>", kW4AppId, pad).size(), 64u);
  auto good = DecryptMessage(key, testing::EncryptRawForTest(key, Plain(6, "<xml/>", kW4AppId, pad)), kW4AppId);
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(*good, "<xml/>");
  pad[3] = '\x13';
  auto bad = DecryptMessage(key, testing::EncryptRawForTest(key, Plain(6, "<xml/>", kW4AppId, pad)), kW4AppId);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kUnauthenticated);
}

TEST(DecryptMessageTest, RejectsLengthFieldBeyondTheMessage) {
  const std::string key = Key(kW4Key);
  const std::string pad(20, '\x14');
  auto out = DecryptMessage(key, testing::EncryptRawForTest(key, Plain(25, "<xml/>", kW4AppId, pad)), kW4AppId);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kUnauthenticated);
  // Too short to hold random and length at all: 16 bytes of plaintext, all pad.
  auto tiny = DecryptMessage(key, testing::EncryptRawForTest(key, std::string(16, '\x10')), kW4AppId);
  ASSERT_FALSE(tiny.ok());
  EXPECT_EQ(tiny.status().code(), StatusCode::kUnauthenticated);
}

TEST(DecryptMessageTest, MalformedCiphertextIsInvalidArgument) {
  const std::string key = Key(kW4Key);
  EXPECT_EQ(DecryptMessage(key, "not base64!", kW4AppId).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DecryptMessage(key, "", kW4AppId).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DecryptMessage(key, Base64Encode("fifteen bytes!!"), kW4AppId).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace routerd::adapters::wechat
