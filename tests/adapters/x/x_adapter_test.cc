#include "x/x_adapter.h"

#include <gtest/gtest.h>

#include "tests/adapters/common/adapter_test_util.h"
#include "x/x_signature.h"

namespace routerd::adapters::x {
namespace {

using testing::ReadFixture;
using testing::TestIdentity;
using testing::TestOptions;
using testing::TestRequest;

constexpr char kSecret[] = "test-consumer-secret";

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

class XAdapterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    factory_ = MakeXAdapterFactory();
    ChannelOptions options = TestOptions();
    options.Set("consumer_secret", std::string(kSecret), 8);
    auto adapter = factory_->Create(TestIdentity("x"), options);
    ASSERT_TRUE(adapter.ok()) << adapter.status().ToString();
    adapter_ = *adapter;
    EXPECT_TRUE(options.UnreadKeys().empty());
  }

  TestRequest SignedPost(std::string body, std::string_view secret = kSecret) {
    TestRequest r;
    r.body = std::move(body);
    r.Header("X-Twitter-Webhooks-Signature", XSignature(secret, r.body));
    return r;
  }

  std::unique_ptr<ChannelAdapterFactory> factory_;
  ChannelAdapterPtr adapter_;
};

TEST_F(XAdapterTest, KindIsX) { EXPECT_EQ(factory_->Kind(), "x"); }

TEST_F(XAdapterTest, CrcHandshake) {
  TestRequest r;
  r.method = "GET";
  r.query = "crc_token=some_random&nonce=abc";
  WebhookOutcome o = adapter_->Handle(r.View());
  EXPECT_EQ(o.rejection, WebhookRejection::kNone);
  EXPECT_EQ(o.response.status, 200);
  EXPECT_EQ(o.response.content_type, "application/json");
  EXPECT_EQ(o.response.body, "{\"response_token\":\"" + XSignature(kSecret, "some_random") + "\"}");
}

TEST_F(XAdapterTest, CrcVectorWithZammadSecret) {
  ChannelOptions options = TestOptions();
  options.Set("consumer_secret", std::string("DDD"), 8);
  auto adapter = factory_->Create(TestIdentity("x"), options);
  ASSERT_TRUE(adapter.ok());
  TestRequest r;
  r.method = "GET";
  r.query = "crc_token=some_random";
  EXPECT_EQ((*adapter)->Handle(r.View()).response.body,
            R"({"response_token":"sha256=VE19eUk6krbdSqWPdvH71xtFhApBAU81uPW3UT65vOs="})");
}

TEST_F(XAdapterTest, CrcWithoutTokenIs400) {
  for (const char* q : {"", "crc_token=", "nonce=1"}) {
    TestRequest r;
    r.method = "GET";
    r.query = q;
    WebhookOutcome o = adapter_->Handle(r.View());
    EXPECT_EQ(o.response.status, 400) << q;
    EXPECT_EQ(o.rejection, WebhookRejection::kBadHandshake) << q;
  }
}

// A CRC answer is HMAC(consumer_secret, token): the signature of a delivery
// whose body is the token. Only token shapes X sends are answered, and none
// of them is a JSON object, so no answer signs a delivery that is routed.
TEST_F(XAdapterTest, ACrcAnswerCanNeverSignADelivery) {
  const std::string forged = ReadFixture("x", "dm_batch.json");
  TestRequest crc;
  crc.method = "GET";
  crc.query = "crc_token=" + UrlEncode(forged);
  WebhookOutcome refused = adapter_->Handle(crc.View());
  EXPECT_EQ(refused.response.status, 400);
  EXPECT_EQ(refused.rejection, WebhookRejection::kBadHandshake);
  EXPECT_EQ(refused.response.body.find("response_token"), std::string::npos);
  EXPECT_EQ(refused.response.body,
            R"({"error":"bad_request","detail":"crc_token must be 1 to 256 characters of A-Z a-z 0-9 - _ = + / ."})");

  for (std::string_view bad : {"{}", " x", "a b", "\"x\"", "[1]", "t%0A"}) {
    EXPECT_FALSE(CrcTokenAcceptable(bad)) << bad;
  }
  EXPECT_FALSE(CrcTokenAcceptable(std::string(kMaxCrcTokenBytes + 1, 'a')));
  for (std::string_view good : {"some_random", "9b4507b3-9040-4669-9ca3-6b94edb50553", "cmFuZG9t+/c3RyaW5n==",
                                "a.b"}) {
    EXPECT_TRUE(CrcTokenAcceptable(good)) << good;
  }
  EXPECT_TRUE(CrcTokenAcceptable(std::string(kMaxCrcTokenBytes, 'a')));
}

TEST_F(XAdapterTest, CrcHandshakesAreRateLimitedPerChannel) {
  ChannelOptions options = TestOptions();
  options.Set("consumer_secret", std::string(kSecret), 8);
  options.Set("crc_per_minute", std::int64_t{3}, 9);
  auto adapter = factory_->Create(TestIdentity("x"), options);
  ASSERT_TRUE(adapter.ok()) << adapter.status().ToString();
  TestRequest r;
  r.method = "GET";
  r.query = "crc_token=some_random";
  for (int i = 0; i < 3; ++i) EXPECT_EQ((*adapter)->Handle(r.View()).response.status, 200) << i;
  WebhookOutcome limited = (*adapter)->Handle(r.View());
  EXPECT_EQ(limited.response.status, 429);
  EXPECT_EQ(limited.rejection, WebhookRejection::kOverloaded);
  ASSERT_EQ(limited.response.headers.size(), 1u);
  EXPECT_EQ(limited.response.headers[0].first, "Retry-After");
  EXPECT_EQ(limited.response.headers[0].second, "20");
  // Malformed handshakes spend the budget too.
  r.now_unix_ms += 20'000;
  r.query = "crc_token={}";
  EXPECT_EQ((*adapter)->Handle(r.View()).response.status, 400);
  r.query = "crc_token=some_random";
  EXPECT_EQ((*adapter)->Handle(r.View()).response.status, 429);
  r.now_unix_ms += 20'000;
  EXPECT_EQ((*adapter)->Handle(r.View()).response.status, 200);
  // Another channel has its own budget.
  EXPECT_EQ(adapter_->Handle(r.View()).response.status, 200);

  for (std::int64_t bad : {std::int64_t{0}, std::int64_t{6001}}) {
    ChannelOptions out_of_range = TestOptions();
    out_of_range.Set("consumer_secret", std::string(kSecret), 8);
    out_of_range.Set("crc_per_minute", bad, 9);
    auto refused = factory_->Create(TestIdentity("x"), out_of_range);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.status().message().find("crc_per_minute: must be between 1 and 6000"), std::string::npos)
        << refused.status().message();
  }
}

TEST_F(XAdapterTest, AcceptsSignedBatch) {
  TestRequest r = SignedPost(ReadFixture("x", "dm_batch.json"));
  r.now_unix_ms = 1'716'000'000'999;
  WebhookOutcome o = adapter_->Handle(r.View());
  ASSERT_EQ(o.rejection, WebhookRejection::kNone) << o.response.body;
  EXPECT_EQ(o.response.status, 200);
  ASSERT_EQ(o.contacts.size(), 2u);
  for (const Contact& c : o.contacts) {
    EXPECT_EQ(c.tenant_id, "tenant-1");
    EXPECT_EQ(c.channel_kind, "x");
    EXPECT_EQ(c.channel_id, "channel-1");
    EXPECT_EQ(c.received_at_ms, 1'716'000'000'999);
  }
  EXPECT_EQ(o.contacts[0].customer_id, "3001969357");
  EXPECT_EQ(o.contacts[1].provider_message_id, "954491830116155398");
  EXPECT_EQ(o.ignored, std::vector<std::string_view>{"own_account_event"});
  EXPECT_TRUE(o.leave_messages.empty());
}

TEST_F(XAdapterTest, MissingWrongAndWrongSecretSignatures) {
  TestRequest missing;
  missing.body = ReadFixture("x", "dm_batch.json");
  WebhookOutcome o = adapter_->Handle(missing.View());
  EXPECT_EQ(o.response.status, 401);
  EXPECT_EQ(o.rejection, WebhookRejection::kBadSignature);
  EXPECT_TRUE(o.contacts.empty());

  TestRequest wrong_secret = SignedPost(ReadFixture("x", "dm_batch.json"), "another-secret");
  EXPECT_EQ(adapter_->Handle(wrong_secret.View()).response.status, 401);

  TestRequest tampered = SignedPost(ReadFixture("x", "dm_batch.json"));
  tampered.body[tampered.body.find("Hello")] = 'J';
  EXPECT_EQ(adapter_->Handle(tampered.View()).response.status, 401);

  TestRequest garbage = SignedPost("{}");
  garbage.headers[0].second = "sha256=not base64!";
  EXPECT_EQ(adapter_->Handle(garbage.View()).rejection, WebhookRejection::kBadSignature);
}

TEST_F(XAdapterTest, SignedButMalformedBodiesAre400) {
  for (std::string body : {std::string(""), std::string("{\"for_user_id\":"), std::string("[1]"),
                           std::string("{\"direct_message_events\":[{\"type\":1}]}"),
                           std::string("{\"a\":\"\xc3\x28\"}")}) {
    TestRequest r = SignedPost(body);
    WebhookOutcome o = adapter_->Handle(r.View());
    EXPECT_EQ(o.response.status, 400) << body;
    EXPECT_EQ(o.rejection, WebhookRejection::kMalformed) << body;
    EXPECT_EQ(o.response.content_type, "application/json");
    EXPECT_TRUE(o.contacts.empty());
  }
}

TEST_F(XAdapterTest, WrongContentTypeIs415) {
  TestRequest r = SignedPost(ReadFixture("x", "dm_batch.json"));
  r.content_type = "text/plain";
  WebhookOutcome o = adapter_->Handle(r.View());
  EXPECT_EQ(o.response.status, 415);
  EXPECT_EQ(o.rejection, WebhookRejection::kUnsupportedMedia);
  r.content_type = "application/json; charset=utf-8";
  EXPECT_EQ(adapter_->Handle(r.View()).response.status, 200);
}

TEST_F(XAdapterTest, OversizedBodyIs413) {
  TestRequest r = SignedPost(std::string(5 * 1024 * 1024, ' '));
  WebhookOutcome o = adapter_->Handle(r.View());
  EXPECT_EQ(o.response.status, 413);
  EXPECT_EQ(o.rejection, WebhookRejection::kMalformed);
}

TEST_F(XAdapterTest, OtherMethodsAre405) {
  TestRequest r = SignedPost("{}");
  r.method = "PUT";
  WebhookOutcome o = adapter_->Handle(r.View());
  EXPECT_EQ(o.response.status, 405);
  EXPECT_EQ(o.rejection, WebhookRejection::kMethod);
}

TEST_F(XAdapterTest, OnlyEventsToIgnoreGive200) {
  TestRequest r = SignedPost(ReadFixture("x", "other_events.json"));
  WebhookOutcome o = adapter_->Handle(r.View());
  EXPECT_EQ(o.response.status, 200);
  EXPECT_TRUE(o.contacts.empty());
  EXPECT_EQ(o.ignored.size(), 5u);
}

TEST(XAdapterFactoryTest, MissingSecretIsAConfigError) {
  auto factory = MakeXAdapterFactory();
  ChannelOptions options = TestOptions();
  auto adapter = factory->Create(TestIdentity("x"), options);
  ASSERT_FALSE(adapter.ok());
  EXPECT_EQ(adapter.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(adapter.status().message().find("consumer_secret"), std::string::npos);
}

TEST(XAdapterFactoryTest, SecretFromEnvironment) {
  ::setenv("ROUTERD_X_TEST_SECRET", "env-secret", 1);
  auto factory = MakeXAdapterFactory();
  ChannelOptions options = TestOptions();
  options.Set("consumer_secret_env", std::string("ROUTERD_X_TEST_SECRET"), 8);
  auto adapter = factory->Create(TestIdentity("x"), options);
  ASSERT_TRUE(adapter.ok()) << adapter.status().ToString();
  TestRequest r;
  r.body = "{}";
  r.Header("x-twitter-webhooks-signature", XSignature("env-secret", "{}"));
  EXPECT_EQ((*adapter)->Handle(r.View()).response.status, 200);
}

}  // namespace
}  // namespace routerd::adapters::x
