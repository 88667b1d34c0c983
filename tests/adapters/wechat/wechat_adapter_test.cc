#include "wechat/wechat_adapter.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>

#include "wechat/wechat_crypto.h"
#include "wechat/wechat_payload.h"
#include "wechat/wechat_signature.h"
#include "tests/adapters/wechat/wechat_adapter_fixture.h"
#include "wechat_test_util.h"
#include "tests/adapters/wechat/wechat_vectors.h"

namespace routerd::adapters::wechat {
namespace {

using testing::kW4Key;
using testing::kW4AppId;
using testing::kW5Key;

using testing::EncryptForTest;
using testing::Query;
using testing::ReadFixture;
using testing::Config;
using testing::Create;
using testing::MustCreate;
using testing::Request;
using testing::PlainPush;
using testing::W4Config;
using testing::ExpectRejected;
using testing::ExpectSuccess;
using testing::Identity;

TEST(WeChatFactoryTest, KindAndValidConfigs) {
  EXPECT_EQ(MakeWeChatAdapterFactory()->Kind(), "wechat");
  EXPECT_TRUE(Create(Config{}).ok());
  Config safe = W4Config();
  safe.previous_key = std::string(kW5Key);
  safe.tolerance = 0;
  EXPECT_TRUE(Create(safe).ok());
}

TEST(WeChatFactoryTest, ReportsBadConfiguration) {
  ChannelOptions no_token("routerd.toml", 10, "ch");
  no_token.Set("app_id", std::string("wx1"), 11);
  auto missing = MakeWeChatAdapterFactory()->Create(Identity(), no_token);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("token"), std::string::npos) << missing.status().message();

  ChannelOptions no_app("routerd.toml", 10, "ch");
  no_app.Set("token", std::string("t"), 11);
  auto no_app_id = MakeWeChatAdapterFactory()->Create(Identity(), no_app);
  ASSERT_FALSE(no_app_id.ok());
  EXPECT_EQ(no_app_id.status().message(), "routerd.toml:10: ch: app_id: is required");

  Config bad_key;
  bad_key.key = "tooshort";
  auto key = Create(bad_key);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().message(),
            "routerd.toml:13: tenants[0].channels[0] 'wx-main': encoding_aes_key: must be the 43-character "
            "EncodingAESKey from the WeChat console");
  EXPECT_EQ(key.status().message().find("tooshort"), std::string::npos);  // never echo a secret

  Config only_previous;
  only_previous.previous_key = std::string(kW4Key);
  EXPECT_FALSE(Create(only_previous).ok());

  Config negative;
  negative.tolerance = -1;
  auto tolerance = Create(negative);
  ASSERT_FALSE(tolerance.ok());
  EXPECT_NE(tolerance.status().message().find("timestamp_tolerance_seconds"), std::string::npos);
}

TEST(WeChatFactoryTest, TokenFromEnvironment) {
  ::setenv("ROUTERD_TEST_WECHAT_TOKEN", "AAAAA", 1);
  ChannelOptions options("routerd.toml", 10, "ch");
  options.Set("token_env", std::string("ROUTERD_TEST_WECHAT_TOKEN"), 11);
  options.Set("app_id", std::string("wx1"), 12);
  auto adapter = MakeWeChatAdapterFactory()->Create(Identity(), options);
  ASSERT_TRUE(adapter.ok()) << adapter.status().ToString();
  Request get;
  get.method = "GET";
  get.query = "signature=f464b24fc39322e44b38aa78f5edd27bd1441696&echostr=4375120948345356249&timestamp=1714036504"
              "&nonce=1514711492";
  EXPECT_EQ(get.SendTo(**adapter).response.status, 200);
}

TEST(WeChatHandshakeTest, W1EchoesEchostr) {
  auto adapter = MustCreate(Config{});
  Request get;
  get.method = "GET";
  get.content_type = "";
  get.query = "signature=f464b24fc39322e44b38aa78f5edd27bd1441696&echostr=4375120948345356249&timestamp=1714036504"
              "&nonce=1514711492";
  get.now_unix_ms = 1900000000000;  // the handshake has no replay window
  WebhookOutcome outcome = get.SendTo(*adapter);
  EXPECT_EQ(outcome.response.status, 200);
  EXPECT_EQ(outcome.rejection, WebhookRejection::kNone);
  EXPECT_EQ(outcome.response.content_type, "text/plain");
  EXPECT_EQ(outcome.response.body, "4375120948345356249");
  EXPECT_TRUE(outcome.contacts.empty());
}

TEST(WeChatHandshakeTest, RejectsBadOrMissingSignature) {
  auto adapter = MustCreate(Config{});
  Request get;
  get.method = "GET";
  get.query = "signature=f464b24fc39322e44b38aa78f5edd27bd1441697&echostr=4375120948345356249&timestamp=1714036504"
              "&nonce=1514711492";
  ExpectRejected(get.SendTo(*adapter), 401, WebhookRejection::kBadHandshake, "bad_handshake");
  get.query = "echostr=4375120948345356249&timestamp=1714036504&nonce=1514711492";
  ExpectRejected(get.SendTo(*adapter), 401, WebhookRejection::kBadHandshake, "bad_handshake");
  get.query = "signature=f464b24fc39322e44b38aa78f5edd27bd1441696&timestamp=1714036504&nonce=1514711492";
  ExpectRejected(get.SendTo(*adapter), 401, WebhookRejection::kBadHandshake, "bad_handshake");
  Config other;
  other.token = "BBBBB";
  get.query = "signature=f464b24fc39322e44b38aa78f5edd27bd1441696&echostr=4375120948345356249&timestamp=1714036504"
              "&nonce=1514711492";
  ExpectRejected(get.SendTo(*MustCreate(other)), 401, WebhookRejection::kBadHandshake, "bad_handshake");
}

TEST(WeChatHandshakeTest, W5WeComEncryptedEchostr) {
  Config config;
  config.token = "123456";
  config.app_id = "wx49f0ab532d5d035a";
  config.key = std::string(kW5Key);
  auto adapter = MustCreate(config);
  Request get;
  get.method = "GET";
  get.query = Query({{"msg_signature", "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96"},
                     {"timestamp", "1411443780"},
                     {"nonce", "437374425"},
                     {"echostr", "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="}});
  WebhookOutcome outcome = get.SendTo(*adapter);
  EXPECT_EQ(outcome.response.status, 200) << outcome.response.body;
  EXPECT_EQ(outcome.response.body, "5927782489442352469");

  get.query = Query({{"msg_signature", "dd6b9c95b495b3f7e2901bfbc76c664930ffdb97"},
                     {"timestamp", "1411443780"},
                     {"nonce", "437374425"},
                     {"echostr", "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="}});
  ExpectRejected(get.SendTo(*adapter), 401, WebhookRejection::kBadHandshake, "bad_handshake");
}

TEST(WeChatPlainModeTest, W2TextPushBecomesAContact) {
  auto adapter = MustCreate(Config{});
  Request w2 = PlainPush(ReadFixture("wechat/text.xml"), "486452656");
  EXPECT_EQ(w2.query.substr(0, 50), "signature=899cf89e464efb63f54ddac96b0a0a235f53aa78");
  WebhookOutcome outcome = w2.SendTo(*adapter);
  ExpectSuccess(outcome);
  ASSERT_EQ(outcome.contacts.size(), 1u);
  const Contact& c = outcome.contacts[0];
  EXPECT_EQ(c.tenant_id, "acme");
  EXPECT_EQ(c.channel_kind, "wechat");
  EXPECT_EQ(c.channel_id, "wx-main");
  EXPECT_EQ(c.customer_id, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
  EXPECT_EQ(c.provider_message_id, "1234567890123456");
  EXPECT_EQ(c.text, "this is a test");
  EXPECT_EQ(c.sent_at_ms, 1348831860000);
  EXPECT_EQ(c.received_at_ms, 1714037059000);
  EXPECT_TRUE(outcome.ignored.empty());
}

TEST(WeChatPlainModeTest, EveryMessageFixtureIsAccepted) {
  auto adapter = MustCreate(Config{});
  for (const char* name : {"text", "image", "voice", "video", "shortvideo", "location", "link"}) {
    WebhookOutcome outcome = PlainPush(ReadFixture(std::string("wechat/") + name + ".xml")).SendTo(*adapter);
    ExpectSuccess(outcome);
    EXPECT_EQ(outcome.contacts.size(), 1u) << name;
  }
}

TEST(WeChatPlainModeTest, EventsAndUnknownTypesAreAnsweredSuccess) {
  auto adapter = MustCreate(Config{});
  WebhookOutcome event = PlainPush(ReadFixture("wechat/event_subscribe.xml")).SendTo(*adapter);
  ExpectSuccess(event);
  EXPECT_TRUE(event.contacts.empty());
  ASSERT_EQ(event.ignored.size(), 1u);
  EXPECT_EQ(event.ignored[0], "event");
  WebhookOutcome unknown = PlainPush(ReadFixture("wechat/unknown_miniprogrampage.xml")).SendTo(*adapter);
  ExpectSuccess(unknown);
  ASSERT_EQ(unknown.ignored.size(), 1u);
  EXPECT_EQ(unknown.ignored[0], "unknown_type");
}

TEST(WeChatPlainModeTest, RejectsBadOrMissingSignature) {
  auto adapter = MustCreate(Config{});
  Request r = PlainPush(ReadFixture("wechat/text.xml"));
  r.query = "signature=899cf89e464efb63f54ddac96b0a0a235f53aa79&timestamp=1714037059&nonce=486452656";
  ExpectRejected(r.SendTo(*adapter), 401, WebhookRejection::kBadSignature, "bad_signature");
  r.query = "timestamp=1714037059&nonce=486452656";
  ExpectRejected(r.SendTo(*adapter), 401, WebhookRejection::kBadSignature, "bad_signature");
  Config wrong_token;
  wrong_token.token = "AAAAB";
  ExpectRejected(PlainPush(ReadFixture("wechat/text.xml")).SendTo(*MustCreate(wrong_token)), 401,
                 WebhookRejection::kBadSignature, "bad_signature");
}

TEST(WeChatPlainModeTest, ReplayWindow) {
  auto adapter = MustCreate(Config{});
  Request r = PlainPush(ReadFixture("wechat/text.xml"));
  r.now_unix_ms = 1714037059000 + 300 * 1000;
  ExpectSuccess(r.SendTo(*adapter));
  r.now_unix_ms = 1714037059000 + 301 * 1000;
  ExpectRejected(r.SendTo(*adapter), 401, WebhookRejection::kReplay, "replay");
  r.now_unix_ms = 1714037059000 - 301 * 1000;  // from the future
  ExpectRejected(r.SendTo(*adapter), 401, WebhookRejection::kReplay, "replay");

  Config strict;
  strict.tolerance = 10;
  r.now_unix_ms = 1714037059000 + 11 * 1000;
  ExpectRejected(r.SendTo(*MustCreate(strict)), 401, WebhookRejection::kReplay, "replay");

  Config disabled;
  disabled.tolerance = 0;
  r.now_unix_ms = 1900000000000;
  ExpectSuccess(r.SendTo(*MustCreate(disabled)));
}

// The plain-mode signature covers only the query: a captured query string
// would deliver any body while its timestamp is fresh. Each (timestamp,
// nonce) delivers one body; the same body again (a retry) passes.
TEST(WeChatPlainModeTest, AUsedTimestampAndNonceWithAnotherBodyIs401) {
  auto adapter = MustCreate(Config{});
  const Request original = PlainPush(ReadFixture("wechat/text.xml"));
  ExpectSuccess(original.SendTo(*adapter));
  ExpectSuccess(original.SendTo(*adapter));  // WeChat's retry: deduplicated on MsgId downstream

  Request forged = original;
  forged.body = ReadFixture("wechat/link.xml");
  WebhookOutcome refused = forged.SendTo(*adapter);
  ExpectRejected(refused, 401, WebhookRejection::kReplay, "replay");
  EXPECT_EQ(refused.response.body,
            R"({"error":"replay","detail":"timestamp and nonce already used for a different message"})");
  // Another nonce at the same second is another delivery.
  ExpectSuccess(PlainPush(ReadFixture("wechat/link.xml")).SendTo(*adapter));
  ExpectSuccess(original.SendTo(*adapter));
}

TEST(WeChatPlainModeTest, ContentTypes) {
  auto adapter = MustCreate(Config{});
  for (const char* ct : {"text/xml", "text/xml; charset=utf-8", "application/xml", "TEXT/XML", ""}) {
    Request r = PlainPush(ReadFixture("wechat/text.xml"));
    r.content_type = ct;
    ExpectSuccess(r.SendTo(*adapter));
  }
  for (const char* ct : {"application/json", "text/plain", "application/x-www-form-urlencoded"}) {
    Request r = PlainPush(ReadFixture("wechat/text.xml"));
    r.content_type = ct;
    ExpectRejected(r.SendTo(*adapter), 415, WebhookRejection::kUnsupportedMedia, "unsupported_media_type");
  }
}

TEST(WeChatPlainModeTest, RejectsOtherMethods) {
  auto adapter = MustCreate(Config{});
  for (const char* method : {"PUT", "DELETE", "PATCH", "HEAD"}) {
    Request r = PlainPush(ReadFixture("wechat/text.xml"));
    r.method = method;
    WebhookOutcome outcome = r.SendTo(*adapter);
    ExpectRejected(outcome, 405, WebhookRejection::kMethod, "method_not_allowed");
    ASSERT_EQ(outcome.response.headers.size(), 1u);
    EXPECT_EQ(outcome.response.headers[0].first, "Allow");
    EXPECT_EQ(outcome.response.headers[0].second, "GET, POST");
  }
}

TEST(WeChatPlainModeTest, RejectsBadBodies) {
  auto adapter = MustCreate(Config{});
  ExpectRejected(PlainPush("").SendTo(*adapter), 400, WebhookRejection::kMalformed, "malformed");
  const std::string text = ReadFixture("wechat/text.xml");
  ExpectRejected(PlainPush(text.substr(0, text.size() / 2)).SendTo(*adapter), 400, WebhookRejection::kMalformed,
                 "malformed");
  ExpectRejected(PlainPush("<xml><MsgType>text</MsgType>").SendTo(*adapter), 400, WebhookRejection::kMalformed,
                 "malformed");
  std::string bad_utf8 = text;
  bad_utf8.replace(bad_utf8.find("this is"), 4, "\xC3\x28is");
  ExpectRejected(PlainPush(bad_utf8).SendTo(*adapter), 400, WebhookRejection::kMalformed, "malformed");
  std::string oversized = text;
  oversized.insert(oversized.find("this is"), kMaxBodyBytes, 'a');
  ExpectRejected(PlainPush(oversized).SendTo(*adapter), 413, WebhookRejection::kMalformed, "payload_too_large");
  ExpectRejected(PlainPush("<xml><CreateTime>1</CreateTime><FromUserName>u</FromUserName><MsgType>text</MsgType>"
                           "<Content>x</Content></xml>")
                     .SendTo(*adapter),
                 400, WebhookRejection::kMalformed, "malformed");
}

}  // namespace
}  // namespace routerd::adapters::wechat
