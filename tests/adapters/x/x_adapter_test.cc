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
