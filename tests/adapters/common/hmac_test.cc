#include "common/hmac.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "common/encoding.h"

namespace routerd::adapters {
namespace {

TEST(HmacTest, Sha256Rfc4231Case1) {
  const std::string key(20, '\x0b');
  EXPECT_EQ(HexEncode(HmacSha256(key, "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacTest, Sha256Rfc4231Case2) {
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacTest, Sha1Rfc2202Case1And2) {
  const std::string key(20, '\x0b');
  EXPECT_EQ(HexEncode(HmacSha1(key, "Hi There")), "b617318655057264e28bc0b6fb378c8ef146be00");
  EXPECT_EQ(HexEncode(HmacSha1("Jefe", "what do ya want for nothing?")),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

// channels.md §5.6: hexdocs WhatsApp.Webhook.compute_signature("test", "secret").
TEST(HmacTest, WhatsAppComputeSignatureVector) {
  EXPECT_EQ(HexEncode(HmacSha256("secret", "test")),
            "0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914");
}

// channels.md §7.6: line-bot-sdk-python tests/test_signature.py.
TEST(HmacTest, LineSignatureVector) {
  EXPECT_EQ(Base64Encode(HmacSha256("channel_secret", "bodybodybodybody")),
            "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=");
}

// channels.md §2.5: Zammad spec, consumer secret DDD.
TEST(HmacTest, XCrcVector) {
  EXPECT_EQ(Base64Encode(HmacSha256("DDD", "some_random")),
            "VE19eUk6krbdSqWPdvH71xtFhApBAU81uPW3UT65vOs=");
}

// channels.md §6.5: Messenger body signed with sha1 and sha256.
TEST(HmacTest, MessengerSha1AndSha256Vectors) {
  const std::string body =
      R"({"object":"page","entry":[{"id":"682498302938465","time":1458692752478,"messaging":[{"sender":{"id":"1254459154682919"},"recipient":{"id":"682498302938465"},"timestamp":1458692752478,"message":{"mid":"mid.1457764197618:41d102a3e1ae206a38","text":"hello, world!"}}]}]})";
  EXPECT_EQ(HexEncode(HmacSha256("test_app_secret", body)),
            "0a04ea4322b419f38a84145cd2c7ff52c3c8f579979fb2b5fe0d67d21ec6252e");
  EXPECT_EQ(HexEncode(HmacSha1("test_app_secret", body)), "be3c2a00cf2b6b0bc4b59b65479aa75626aaa279");
}

TEST(HmacTest, EmptyKeyAndMessage) {
  // openssl dgst -sha256 -hmac '' < /dev/null
  EXPECT_EQ(HexEncode(HmacSha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

// The thread-local context keeps its key between calls; an empty key must not
// silently reuse the previous one.
TEST(HmacTest, EmptyKeyAfterNonEmptyKeyDoesNotReuseIt) {
  std::string with_key = HmacSha256("Jefe", "");
  EXPECT_NE(with_key, HmacSha256("", ""));
  EXPECT_EQ(HexEncode(HmacSha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(HmacTest, RepeatedCallsWithDifferentKeysAreIndependent) {
  const std::string a1 = HmacSha256("key-a", "message");
  const std::string b = HmacSha256("key-b", "message");
  const std::string a2 = HmacSha256("key-a", "message");
  EXPECT_EQ(a1, a2);
  EXPECT_NE(a1, b);
  EXPECT_EQ(a1.size(), 32u);
}

// Calls in a row with one key restart from the stored key: each must start
// from nothing of the previous message.
TEST(HmacTest, CallsInARowWithOneKeyRestartFromTheKey) {
  HmacSha256("other", "x");
  const std::string fresh = HmacSha256("Jefe", "second message");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    EXPECT_EQ(HmacSha256("Jefe", "second message"), fresh);
  }
  // RFC 4231 case 6: a key longer than the block is hashed first.
  const std::string long_key(131, '\xaa');
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(HexEncode(HmacSha256(long_key, "Test Using Larger Than Block-Size Key - Hash Key First")),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  }
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(HexEncode(HmacSha1("Jefe", "what do ya want for nothing?")),
              "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  }
}

TEST(HmacTest, SameResultOnEveryThread) {
  const std::string expected = HmacSha256("Jefe", "what do ya want for nothing?");
  std::vector<std::string> results(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&results, i] {
      std::string last;
      for (int n = 0; n < 200; ++n) last = HmacSha256("Jefe", "what do ya want for nothing?");
      results[i] = last;
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_EQ(r, expected);
}

TEST(DigestTest, Sha1AndSha256OfAbc) {
  EXPECT_EQ(HexEncode(Sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(HexEncode(Sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(DigestTest, EmptyInput) {
  EXPECT_EQ(HexEncode(Sha1("")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(HexEncode(Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(ConstantTimeEqualsTest, ComparesContentAndSize) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
  EXPECT_TRUE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

}  // namespace
}  // namespace routerd::adapters
