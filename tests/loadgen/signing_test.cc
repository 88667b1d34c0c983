// The load generator's signers against the published vectors of
// shared/reference/channels.md (and, for our own web widget, which has none, a
// vector computed with the openssl command line).
#include "bench/loadgen/signing.h"

#include <gtest/gtest.h>

#include <vector>

namespace routerd::loadgen {
namespace {

// ---- WeChat (§1.6) ---------------------------------------------------------------

TEST(SigningTest, WeChatSignatureVectors) {
  EXPECT_EQ(WeChatSignature("AAAAA", "1714036504", "1514711492"), "f464b24fc39322e44b38aa78f5edd27bd1441696");  // W1
  EXPECT_EQ(WeChatSignature("AAAAA", "1714037059", "486452656"), "899cf89e464efb63f54ddac96b0a0a235f53aa78");   // W2
  EXPECT_EQ(WeChatSignature("test", "1410685589", "test"), "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff");          // W3
}

constexpr char kW4Encrypt[] =
    "rTNFcsut4LfGuAFKEUVVpwcaCOTJzOd9twZdIW910jb3k+iicx2uvhttIZ3Qg9Qgty3BEF2xbOrz6boTfb30dMomcgrkTqdFPwnhqbk+kIQ7rZiw"
    "ny9D7NUrTgA5kpX3KsZvrXzUZyP2x9YOlxbgm572lmxKvM7HAQQhIQ/p6HBmoY30bGXFK0BtIu1pW9TjhOYrLQoU18nWYjWqDA1ynkmOytpv7QRI"
    "1P1+0NoxL0q2zO1DgeSvnE8CZGo/o5Ap/WHK5W2RAsinpzN4/LjPnmB6U01I5XCoJoC0GK/yMZycd2Oh8Nq6+wBkC1U85oy0ktOY4nLvsQMLrourm"
    "MGdZHuTbqpeJ8Ao/5PRYJ+WBvRUwPfGKBL2+2IKZF49vAJqkcGWSHGE76ZN2erXeuNazf/o9o3lIE3q739o4c8t9QGPe31GT2Go/rOz1BsrASwvau"
    "NulCh+++yz+CQzBIuikA==";
constexpr char kW4Xml[] =
    "<xml><URL><![CDATA[http://wechat.laravel.so/server]]></URL><ToUserName><![CDATA[asdasdasd]]></ToUserName>"
    "<FromUserName><![CDATA[asdasdasdsadasd]]></FromUserName><CreateTime>1234567898</CreateTime><MsgType><![CDATA["
    "text]]></MsgType><Content><![CDATA[hello]]></Content><MsgId>12345</MsgId></xml>";
constexpr char kW4Key[] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

TEST(SigningTest, WeChatW4MsgSignatureKeyAndDecryption) {
  EXPECT_EQ(WeChatMsgSignature("pamtest", "1458300676", "260774613", kW4Encrypt),
            "4f3ad57b6989f09f4eb392acce4f9e93942ed890");
  auto key = WeChatAesKey(kW4Key);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(Hex(*key), "69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d0010831051");
  auto plain = WeChatDecrypt(kW4Key, kW4Encrypt);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->xml, kW4Xml);
  EXPECT_EQ(plain->xml.size(), 293u);
  EXPECT_EQ(plain->app_id, "wxb11529c136998cb6");
}

TEST(SigningTest, WeChatW4EncryptionWithTheVectorsRandomIsByteExact) {
  // The 16 random bytes of W4 are the ASCII text "d43123b161a4ba84"; with
  // them, encryption (PKCS#7 to 32 bytes, pad 21 here) must give the vector.
  auto encrypt = WeChatEncrypt(kW4Key, "wxb11529c136998cb6", kW4Xml, "d43123b161a4ba84");
  ASSERT_TRUE(encrypt.ok()) << encrypt.status().ToString();
  EXPECT_EQ(*encrypt, kW4Encrypt);
}

TEST(SigningTest, WeChatW5DecryptsAndSigns) {
  constexpr char kEncrypt[] =
      "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh"
      "6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQq"
      "Gp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7F"
      "S709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=";
  constexpr char kKey[] = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";
  EXPECT_EQ(WeChatMsgSignature("123456", "1411525903", "461056294", kEncrypt),
            "74d92dfeb87ba7c714f89d98870ae5eb62dff26d");
  auto plain = WeChatDecrypt(kKey, kEncrypt);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->xml.size(), 281u);
  EXPECT_NE(plain->xml.find("<FromUserName><![CDATA[messense]]></FromUserName>"), std::string::npos);
  EXPECT_NE(plain->xml.find("<MsgId>4363689963896700987</MsgId>"), std::string::npos);
  EXPECT_EQ(plain->app_id, "wx49f0ab532d5d035a");
  // The encrypted echostr vector, whose padding (7) is below AES's block size.
  constexpr char kEchostr[] = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==";
  EXPECT_EQ(WeChatMsgSignature("123456", "1411443780", "437374425", kEchostr),
            "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96");
  auto echo = WeChatDecrypt(kKey, kEchostr);
  ASSERT_TRUE(echo.ok()) << echo.status().ToString();
  EXPECT_EQ(echo->xml, "5927782489442352469");
}

TEST(SigningTest, WeChatRejectsBadKeys) {
  EXPECT_FALSE(WeChatAesKey("short").ok());
  EXPECT_FALSE(WeChatAesKey("!bcdefghijklmnopqrstuvwxyz0123456789ABCDEFG").ok());
  EXPECT_FALSE(WeChatEncrypt(kW4Key, "wx", "<xml/>", "too short").ok());
}

// ---- X (§2.5) ---------------------------------------------------------------------

TEST(SigningTest, XVectors) {
  EXPECT_EQ(XSignature("DDD", "some_random"), "sha256=VE19eUk6krbdSqWPdvH71xtFhApBAU81uPW3UT65vOs=");
  EXPECT_EQ(XSignature("DDD", R"({"for_user_id":123,"key":"value"})"),
            "sha256=JjEmBe1lVKT8XldrYUKibF+D5ehp8f0jDk3PXZSHEWI=");
  EXPECT_EQ(XSignature("DDD", R"({"key":"value"})"), "sha256=EERHBy/k17v+SuT+K0OXuwhJtKnPtxi0n/Y4Wye4kVU=");
  EXPECT_EQ(XSignature("DDD", R"({"for_user_id":"not_existing","key":"value"})"),
            "sha256=QaJiQl/4WRp/GF37b+eAdF6kPgptjDCLOgAIIbB1s0I=");
}

// ---- Email, Mailgun (§4.2) ------------------------------------------------------------

TEST(SigningTest, MailgunVector) {
  EXPECT_EQ(MailgunSignature("key-3ax6xnjp29jd6fds4gc373sgvjxteol0", "1403645220",
                             "5egbgr1vjgqxtrnp65xfznchgdccwh5d6i09vijqi3whgowmn6"),
            "9cfc5c41582e51246e73c88d34db3af0a3a2692a76fbab81492842f000256d33");
}

// ---- WhatsApp and Messenger (§5.6, §6.5) ------------------------------------------------

TEST(SigningTest, MetaVectors) {
  EXPECT_EQ(MetaSignature256("secret", "test"),
            "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914");
  const std::string whatsapp =
      R"({"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",)"
      R"("metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},)"
      R"("contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],)"
      R"("messages":[{"from":"16505551234","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=","timestamp":"1749416383","type":"text","text":{"body":"Does it come in another color?"}}]},)"
      R"("field":"messages"}]}]})";
  EXPECT_EQ(MetaSignature256("test_app_secret", whatsapp),
            "sha256=ded1d1d9621cffa39832ccf2b330fa476b4dc8ec2a5d102e1e554312b3f21d42");
  const std::string messenger =
      R"({"object":"page","entry":[{"id":"682498302938465","time":1458692752478,"messaging":[{"sender":{"id":"1254459154682919"},)"
      R"("recipient":{"id":"682498302938465"},"timestamp":1458692752478,"message":{"mid":"mid.1457764197618:41d102a3e1ae206a38","text":"hello, world!"}}]}]})";
  EXPECT_EQ(MetaSignature256("test_app_secret", messenger),
            "sha256=0a04ea4322b419f38a84145cd2c7ff52c3c8f579979fb2b5fe0d67d21ec6252e");
  EXPECT_EQ(MetaSignature1("test_app_secret", messenger), "sha1=be3c2a00cf2b6b0bc4b59b65479aa75626aaa279");
}

// ---- LINE (§7.6) -------------------------------------------------------------------------

TEST(SigningTest, LineVectors) {
  EXPECT_EQ(LineSignature("channel_secret", "bodybodybodybody"), "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=");
  EXPECT_EQ(LineSignature("channel_secret", R"({"destination":"U0123456789abcdef0123456789abcdef","events":[]})"),
            "WAhii+CTOVmCuhGrR1QSR2c05bwHtsh0tflvv6CW9h4=");
}

// ---- Web widget (README "The web widget protocol") ---------------------------------------

TEST(SigningTest, WebSignatureCoversTimestampDotBody) {
  // printf '%s' '1718000000.{"event_id":"01J9Z3K8Q6V1T7X2M4N5P6R7S8","type":"message"}' |
  //   openssl dgst -sha256 -hmac demo-web-widget-secret
  EXPECT_EQ(WebSignature("demo-web-widget-secret", "1718000000",
                         R"({"event_id":"01J9Z3K8Q6V1T7X2M4N5P6R7S8","type":"message"})"),
            "sha256=e14b98e13a8cac34cb7cac496bb1ebb04680d58c6bbd7de9ee1b31ec6b33ac61");
}

// ---- Encodings ----------------------------------------------------------------------------

TEST(SigningTest, Base64RoundTripsAndRejectsGarbage) {
  EXPECT_EQ(Base64(""), "");
  EXPECT_EQ(Base64("f"), "Zg==");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
  for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", std::string("\0\xff\x10", 3)}) {
    auto back = Base64Decode(Base64(s));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, s);
  }
  EXPECT_FALSE(Base64Decode("abc").ok());
  EXPECT_FALSE(Base64Decode("ab!=").ok());
}

TEST(SigningTest, UrlEncodeKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(UrlEncode("a-b_c.d~e"), "a-b_c.d~e");
  EXPECT_EQ(UrlEncode("Ana <ana@x.io>"), "Ana%20%3Cana%40x.io%3E");
  EXPECT_EQ(UrlEncode("[[\"a\",\"b\"]]&="), "%5B%5B%22a%22%2C%22b%22%5D%5D%26%3D");
}

TEST(SigningTest, Sha256AndHex) {
  EXPECT_EQ(Hex(Sha256("demo-admin-token")), "91c16f0d6cc1bec3c3603972182a07c66ff4fa71618a975e963d6dbe42b6dd37");
  EXPECT_EQ(Hex(std::string("\x00\x0f\xf0\xff", 4)), "000ff0ff");
}

}  // namespace
}  // namespace routerd::loadgen
