#include "wechat/wechat_adapter.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>

#include "wechat/wechat_crypto.h"
#include "wechat/wechat_payload.h"
#include "wechat/wechat_signature.h"
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

constexpr std::string_view kOtherKey = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";

struct Config {
  std::string token = "AAAAA";
  std::string app_id = "wx0123456789abcdef";
  std::optional<std::string> key;
  std::optional<std::string> previous_key;
  std::optional<std::int64_t> tolerance;
};

ChannelIdentity Identity() { return ChannelIdentity{"acme", "wx-main", "wechat"}; }

StatusOr<ChannelAdapterPtr> Create(const Config& config) {
  ChannelOptions options("routerd.toml", 10, "tenants[0].channels[0] 'wx-main'");
  options.Set("token", config.token, 11);
  options.Set("app_id", config.app_id, 12);
  if (config.key) options.Set("encoding_aes_key", *config.key, 13);
  if (config.previous_key) options.Set("previous_encoding_aes_key", *config.previous_key, 14);
  if (config.tolerance) options.Set("timestamp_tolerance_seconds", *config.tolerance, 15);
  auto adapter = MakeWeChatAdapterFactory()->Create(Identity(), options);
  if (adapter.ok()) {
    EXPECT_TRUE(options.UnreadKeys().empty());
  }
  return adapter;
}

ChannelAdapterPtr MustCreate(const Config& config) {
  auto adapter = Create(config);
  EXPECT_TRUE(adapter.ok()) << adapter.status().ToString();
  return adapter.ok() ? *adapter : nullptr;
}

// Owns the bytes a WebhookRequest views.
struct Request {
  std::string method = "POST";
  std::string query;
  std::string content_type = "text/xml";
  std::string body;
  std::int64_t now_unix_ms = 0;

  WebhookOutcome SendTo(const ChannelAdapter& adapter) const {
    WebhookRequest request;
    request.method = method;
    request.query = query;
    request.content_type = content_type;
    request.body = body;
    request.now_unix_ms = now_unix_ms;
    return adapter.Handle(request);
  }
};

std::string Sign(std::string_view token, std::string_view ts, std::string_view nonce) {
  const std::array<std::string_view, 3> parts = {token, ts, nonce};
  return SortedSha1Hex(parts);
}

std::string MsgSign(std::string_view token, std::string_view ts, std::string_view nonce, std::string_view encrypt) {
  const std::array<std::string_view, 4> parts = {token, ts, nonce, encrypt};
  return SortedSha1Hex(parts);
}

// A plain-mode push of `body` at the W2 vector's timestamp, signed for token
// AAAAA. Each push gets a nonce of its own unless one is given (the adapter
// refuses a (timestamp, nonce) pair seen with another body); W2's nonce gives
// exactly the vector's query.
Request PlainPush(std::string body, std::string nonce = {}) {
  static int next_nonce = 1000000000;
  if (nonce.empty()) nonce = std::to_string(++next_nonce);
  Request r;
  r.query = "signature=" + Sign("AAAAA", "1714037059", nonce) + "&timestamp=1714037059&nonce=" + nonce + "&openid=o1";
  r.body = std::move(body);
  r.now_unix_ms = 1714037059000;
  return r;
}

// The W4 safe-mode push, exactly as the vector gives it.
Request W4Push() {
  Request r;
  r.query = "signature=ignored&timestamp=1458300676&nonce=260774613&openid=o1&encrypt_type=aes"
            "&msg_signature=4f3ad57b6989f09f4eb392acce4f9e93942ed890";
  r.body = ReadFixture("wechat/safe_w4.xml");
  r.now_unix_ms = 1458300676000;
  return r;
}

Config W4Config() {
  Config c;
  c.token = "pamtest";
  c.app_id = std::string(kW4AppId);
  c.key = std::string(kW4Key);
  return c;
}

// A safe-mode push of `msg` encrypted with `key` for `app_id`, properly signed.
Request SafePush(std::string_view token, std::string_view key43, std::string_view app_id, std::string_view msg,
                 int pad_override = -1) {
  const std::string key = DecodeEncodingAesKey(key43).value();
  const std::string encrypt = EncryptForTest(key, "abcdefghijklmnop", msg, app_id, pad_override);
  Request r;
  r.query = Query({{"timestamp", "1700000000"},
                   {"nonce", "42"},
                   {"encrypt_type", "aes"},
                   {"msg_signature", MsgSign(token, "1700000000", "42", encrypt)}});
  r.body = "<xml><ToUserName><![CDATA[gh_x]]></ToUserName><Encrypt><![CDATA[" + encrypt + "]]></Encrypt></xml>";
  r.now_unix_ms = 1700000000000;
  return r;
}

void ExpectRejected(const WebhookOutcome& outcome, int status, WebhookRejection why, std::string_view error) {
  EXPECT_EQ(outcome.response.status, status);
  EXPECT_EQ(outcome.rejection, why);
  EXPECT_EQ(outcome.response.content_type, "application/json");
  EXPECT_NE(outcome.response.body.find("\"error\":\"" + std::string(error) + "\""), std::string::npos)
      << outcome.response.body;
  EXPECT_TRUE(outcome.contacts.empty());
}

void ExpectSuccess(const WebhookOutcome& outcome) {
  EXPECT_EQ(outcome.response.status, 200) << outcome.response.body;
  EXPECT_EQ(outcome.rejection, WebhookRejection::kNone);
  EXPECT_EQ(outcome.response.content_type, "text/plain");
  EXPECT_EQ(outcome.response.body, "success");
}

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

TEST(WeChatSafeModeTest, W4PushDecrypts) {
  auto adapter = MustCreate(W4Config());
  WebhookOutcome outcome = W4Push().SendTo(*adapter);
  ExpectSuccess(outcome);
  ASSERT_EQ(outcome.contacts.size(), 1u);
  const Contact& c = outcome.contacts[0];
  EXPECT_EQ(c.customer_id, "asdasdasdsadasd");
  EXPECT_EQ(c.provider_message_id, "12345");
  EXPECT_EQ(c.text, "hello");
  EXPECT_EQ(c.sent_at_ms, 1234567898000);
  EXPECT_EQ(c.channel_id, "wx-main");
  EXPECT_EQ(c.received_at_ms, 1458300676000);
}

TEST(WeChatSafeModeTest, W5WeComPushDecrypts) {
  Config config;
  config.token = "123456";
  config.app_id = "wx49f0ab532d5d035a";
  config.key = std::string(kW5Key);
  Request r;
  r.query = "timestamp=1411525903&nonce=461056294&encrypt_type=aes&msg_signature=74d92dfeb87ba7c714f89d98870ae5eb62dff26d";
  r.body = ReadFixture("wechat/safe_w5_wecom.xml");
  r.now_unix_ms = 1411525903000;
  WebhookOutcome outcome = r.SendTo(*MustCreate(config));
  ExpectSuccess(outcome);
  ASSERT_EQ(outcome.contacts.size(), 1u);
  EXPECT_EQ(outcome.contacts[0].customer_id, "messense");
  EXPECT_EQ(outcome.contacts[0].text, "test");
  EXPECT_EQ(outcome.contacts[0].provider_message_id, "4363689963896700987");
  EXPECT_EQ(outcome.contacts[0].sent_at_ms, 1411525903000);
}

TEST(WeChatSafeModeTest, FallsBackToThePreviousKey) {
  Config rotated = W4Config();
  rotated.key = std::string(kOtherKey);
  rotated.previous_key = std::string(kW4Key);
  WebhookOutcome outcome = W4Push().SendTo(*MustCreate(rotated));
  ExpectSuccess(outcome);
  ASSERT_EQ(outcome.contacts.size(), 1u);
  EXPECT_EQ(outcome.contacts[0].text, "hello");

  // The current key still works while a previous one is configured.
  Config current_first = W4Config();
  current_first.previous_key = std::string(kOtherKey);
  ExpectSuccess(W4Push().SendTo(*MustCreate(current_first)));
}

TEST(WeChatSafeModeTest, WrongKeysAreRejected) {
  Config wrong = W4Config();
  wrong.key = std::string(kOtherKey);
  ExpectRejected(W4Push().SendTo(*MustCreate(wrong)), 401, WebhookRejection::kBadSignature, "bad_signature");
  wrong.previous_key = std::string(kW5Key);
  ExpectRejected(W4Push().SendTo(*MustCreate(wrong)), 401, WebhookRejection::kBadSignature, "bad_signature");
}

TEST(WeChatSafeModeTest, WrongAppIdIsRejected) {
  Config other_app = W4Config();
  other_app.app_id = "wx0000000000000000";
  ExpectRejected(W4Push().SendTo(*MustCreate(other_app)), 401, WebhookRejection::kBadSignature, "bad_signature");
}

TEST(WeChatSafeModeTest, BadPaddingIsRejected) {
  Config config = W4Config();
  auto adapter = MustCreate(config);
  const std::string msg = ReadFixture("wechat/text.xml");
  ExpectSuccess(SafePush("pamtest", kW4Key, kW4AppId, msg).SendTo(*adapter));
  for (int pad : {0, 33}) {
    ExpectRejected(SafePush("pamtest", kW4Key, kW4AppId, msg, pad).SendTo(*adapter), 401,
                   WebhookRejection::kBadSignature, "bad_signature");
  }
}

TEST(WeChatSafeModeTest, RejectsBadMsgSignatureAndReplays) {
  auto adapter = MustCreate(W4Config());
  Request r = W4Push();
  r.query = "timestamp=1458300676&nonce=260774613&encrypt_type=aes&msg_signature=4f3ad57b6989f09f4eb392acce4f9e93942ed891";
  ExpectRejected(r.SendTo(*adapter), 401, WebhookRejection::kBadSignature, "bad_signature");
  // signature alone is not enough in safe mode.
  r.query = "timestamp=1458300676&nonce=260774613&encrypt_type=aes&signature=" + Sign("pamtest", "1458300676",
                                                                                      "260774613");
  ExpectRejected(r.SendTo(*adapter), 401, WebhookRejection::kBadSignature, "bad_signature");
  Request replay = W4Push();
  replay.now_unix_ms += 301 * 1000;
  ExpectRejected(replay.SendTo(*adapter), 401, WebhookRejection::kReplay, "replay");
}

TEST(WeChatSafeModeTest, ModeMismatches) {
  // A safe-mode channel refuses plain pushes (the plain signature does not cover the body).
  Config safe = W4Config();
  safe.token = "AAAAA";
  ExpectRejected(PlainPush(ReadFixture("wechat/text.xml")).SendTo(*MustCreate(safe)), 401,
                 WebhookRejection::kBadSignature, "bad_signature");
  // A plain-mode channel cannot decrypt.
  Config plain = W4Config();
  plain.key.reset();
  ExpectRejected(W4Push().SendTo(*MustCreate(plain)), 401, WebhookRejection::kBadSignature, "bad_signature");
  Request odd = W4Push();
  odd.query = "timestamp=1458300676&nonce=260774613&encrypt_type=des";
  ExpectRejected(odd.SendTo(*MustCreate(W4Config())), 400, WebhookRejection::kMalformed, "malformed");
}

TEST(WeChatSafeModeTest, MalformedEnvelopesAndPlaintexts) {
  auto adapter = MustCreate(W4Config());
  Request no_encrypt = W4Push();
  no_encrypt.body = "<xml><ToUserName><![CDATA[gh_x]]></ToUserName></xml>";
  ExpectRejected(no_encrypt.SendTo(*adapter), 400, WebhookRejection::kMalformed, "malformed");

  // Signed but not base64: nothing any key could decrypt.
  const std::string encrypt = "!!!!";
  Request not_b64;
  not_b64.query = Query({{"timestamp", "1700000000"},
                         {"nonce", "42"},
                         {"encrypt_type", "aes"},
                         {"msg_signature", MsgSign("pamtest", "1700000000", "42", encrypt)}});
  not_b64.body = "<xml><Encrypt>" + encrypt + "</Encrypt></xml>";
  not_b64.now_unix_ms = 1700000000000;
  ExpectRejected(not_b64.SendTo(*adapter), 400, WebhookRejection::kMalformed, "malformed");

  // Authentic ciphertext whose plaintext is not UTF-8, or not a message.
  ExpectRejected(SafePush("pamtest", kW4Key, kW4AppId, "<xml><Content>\xFF</Content></xml>").SendTo(*adapter), 400,
                 WebhookRejection::kMalformed, "malformed");
  ExpectRejected(SafePush("pamtest", kW4Key, kW4AppId, "<xml><MsgType>text</MsgType>").SendTo(*adapter), 400,
                 WebhookRejection::kMalformed, "malformed");
}

}  // namespace
}  // namespace routerd::adapters::wechat
