// The test-side signers reproduce the published vectors of
// shared/reference/channels.md, so a request the integration tests sign is
// signed the way the provider signs it.
#include "tests/integration/signing.h"

#include <gtest/gtest.h>

namespace routerd::integration {
namespace {

TEST(SigningTest, MetaSignatureMatchesTheMessengerVector) {
  EXPECT_EQ(MetaSignature("test_app_secret",
                          R"({"object":"page","entry":[{"id":"682498302938465","time":1458692752478,"messaging":[)"
                          R"({"sender":{"id":"1254459154682919"},"recipient":{"id":"682498302938465"},)"
                          R"("timestamp":1458692752478,"message":{"mid":"mid.1457764197618:41d102a3e1ae206a38",)"
                          R"("text":"hello, world!"}}]}]})"),
            "sha256=0a04ea4322b419f38a84145cd2c7ff52c3c8f579979fb2b5fe0d67d21ec6252e");
}

TEST(SigningTest, LineSignatureMatchesTheSdkVector) {
  EXPECT_EQ(LineSignature("channel_secret", "bodybodybodybody"), "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=");
}

TEST(SigningTest, XSignatureMatchesTheCrcAndBodyVectors) {
  EXPECT_EQ(XSignature("DDD", "some_random"), "sha256=VE19eUk6krbdSqWPdvH71xtFhApBAU81uPW3UT65vOs=");
  EXPECT_EQ(XSignature("DDD", R"({"for_user_id":123,"key":"value"})"),
            "sha256=JjEmBe1lVKT8XldrYUKibF+D5ehp8f0jDk3PXZSHEWI=");
}

TEST(SigningTest, MailgunSignatureMatchesTheSdkVector) {
  EXPECT_EQ(MailgunSignature("key-3ax6xnjp29jd6fds4gc373sgvjxteol0", "1403645220",
                             "5egbgr1vjgqxtrnp65xfznchgdccwh5d6i09vijqi3whgowmn6"),
            "9cfc5c41582e51246e73c88d34db3af0a3a2692a76fbab81492842f000256d33");
}

TEST(SigningTest, WebSignatureIsHexHmacOfTimestampDotBody) {
  // printf '%s' '1763712000.{"a":1}' | openssl dgst -sha256 -hmac web-secret
  EXPECT_EQ(WebSignature("web-secret", "1763712000", R"({"a":1})"),
            "sha256=f8815dea26a2d49dda5f921d59c2a9e7e8ccb7e8b91a941fd37b8679903592a8");
}

TEST(SigningTest, WeChatSignaturesMatchTheOfficialVectors) {
  EXPECT_EQ(WeChatSignature("AAAAA", "1714036504", "1514711492"), "f464b24fc39322e44b38aa78f5edd27bd1441696");
  EXPECT_EQ(WeChatSignature("AAAAA", "1714037059", "486452656"), "899cf89e464efb63f54ddac96b0a0a235f53aa78");
}

// Vector W4 (EasyWeChat): encrypting its plaintext with its random prefix must
// give its Encrypt exactly, and that Encrypt its msg_signature.
TEST(SigningTest, WeChatEncryptReproducesVectorW4) {
  const std::string encrypt = WeChatEncrypt(
      "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wxb11529c136998cb6",
      "<xml><URL><![CDATA[http://wechat.laravel.so/server]]></URL><ToUserName><![CDATA[asdasdasd]]></ToUserName>"
      "<FromUserName><![CDATA[asdasdasdsadasd]]></FromUserName><CreateTime>1234567898</CreateTime><MsgType>"
      "<![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content><MsgId>12345</MsgId></xml>",
      "d43123b161a4ba84");
  EXPECT_EQ(encrypt,
            "rTNFcsut4LfGuAFKEUVVpwcaCOTJzOd9twZdIW910jb3k+iicx2uvhttIZ3Qg9Qgty3BEF2xbOrz6boTfb30dMomcgrkTqdFPwnhqbk+"
            "kIQ7rZiwny9D7NUrTgA5kpX3KsZvrXzUZyP2x9YOlxbgm572lmxKvM7HAQQhIQ/p6HBmoY30bGXFK0BtIu1pW9TjhOYrLQoU18nWYjWq"
            "DA1ynkmOytpv7QRI1P1+0NoxL0q2zO1DgeSvnE8CZGo/o5Ap/WHK5W2RAsinpzN4/LjPnmB6U01I5XCoJoC0GK/yMZycd2Oh8Nq6+wBk"
            "C1U85oy0ktOY4nLvsQMLrourmMGdZHuTbqpeJ8Ao/5PRYJ+WBvRUwPfGKBL2+2IKZF49vAJqkcGWSHGE76ZN2erXeuNazf/o9o3lIE3q7"
            "39o4c8t9QGPe31GT2Go/rOz1BsrASwvauNulCh+++yz+CQzBIuikA==");
  EXPECT_EQ(WeChatMsgSignature("pamtest", "1458300676", "260774613", encrypt),
            "4f3ad57b6989f09f4eb392acce4f9e93942ed890");
}

TEST(SigningTest, UrlEncodeKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(UrlEncode("a b+c@d.e~f_g-h/é"), "a%20b%2Bc%40d.e~f_g-h%2F%C3%A9");
}

}  // namespace
}  // namespace routerd::integration
