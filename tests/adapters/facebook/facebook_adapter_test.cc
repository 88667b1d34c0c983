#include "facebook/facebook_adapter.h"

#include <gtest/gtest.h>

#include "facebook/facebook_signature.h"
#include "tests/adapters/common/adapter_test_util.h"

namespace routerd::adapters::facebook {
namespace {

using testing::ReadFixture;
using testing::TestIdentity;
using testing::TestOptions;
using testing::TestRequest;

constexpr char kSecret[] = "test_app_secret";

class FacebookAdapterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    factory_ = MakeFacebookAdapterFactory();
    ChannelOptions options = TestOptions();
    options.Set("app_secret", std::string(kSecret), 8);
    options.Set("verify_token", std::string("fb-verify"), 9);
    auto adapter = factory_->Create(TestIdentity("facebook"), options);
    ASSERT_TRUE(adapter.ok()) << adapter.status().ToString();
    adapter_ = *adapter;
    EXPECT_TRUE(options.UnreadKeys().empty());
  }

  TestRequest SignedPost(std::string body, std::string_view secret = kSecret) {
    TestRequest r;
    r.body = std::move(body);
    r.Header("X-Hub-Signature", MessengerSignatureSha1(secret, r.body));
    r.Header("X-Hub-Signature-256", MessengerSignature256(secret, r.body));
    return r;
  }

  std::unique_ptr<ChannelAdapterFactory> factory_;
  ChannelAdapterPtr adapter_;
};

TEST_F(FacebookAdapterTest, Kind) { EXPECT_EQ(factory_->Kind(), "facebook"); }

TEST_F(FacebookAdapterTest, VerificationGet) {
  TestRequest r;
  r.method = "GET";
  r.query = "hub.mode=subscribe&hub.verify_token=fb-verify&hub.challenge=8842";
  WebhookOutcome o = adapter_->Handle(r.View());
  EXPECT_EQ(o.response.status, 200);
  EXPECT_EQ(o.response.body, "8842");
  r.query = "hub.mode=subscribe&hub.verify_token=nope&hub.challenge=8842";
  EXPECT_EQ(adapter_->Handle(r.View()).response.status, 403);
}

TEST_F(FacebookAdapterTest, PublishedVectorBody) {
  TestRequest r;
  r.body = ReadFixture("facebook", "text_message.json");
  r.Header("X-Hub-Signature-256", "sha256=0a04ea4322b419f38a84145cd2c7ff52c3c8f579979fb2b5fe0d67d21ec6252e");
  r.now_unix_ms = 1458692753000;
  WebhookOutcome o = adapter_->Handle(r.View());
  ASSERT_EQ(o.response.status, 200) << o.response.body;
  EXPECT_EQ(o.response.body, "EVENT_RECEIVED");
  ASSERT_EQ(o.contacts.size(), 1u);
  EXPECT_EQ(o.contacts[0].tenant_id, "tenant-1");
  EXPECT_EQ(o.contacts[0].channel_kind, "facebook");
  EXPECT_EQ(o.contacts[0].channel_id, "channel-1");
  EXPECT_EQ(o.contacts[0].received_at_ms, 1458692753000);
  EXPECT_EQ(o.contacts[0].customer_id, "1254459154682919");
}

TEST_F(FacebookAdapterTest, LegacySha1AcceptedOnlyWithoutSha256) {
  TestRequest r;
  r.body = ReadFixture("facebook", "text_message.json");
  r.Header("X-Hub-Signature", "sha1=be3c2a00cf2b6b0bc4b59b65479aa75626aaa279");
  EXPECT_EQ(adapter_->Handle(r.View()).response.status, 200);
  r.Header("X-Hub-Signature-256", "sha256=" + std::string(64, 'a'));
  WebhookOutcome o = adapter_->Handle(r.View());
  EXPECT_EQ(o.response.status, 401);
  EXPECT_EQ(o.rejection, WebhookRejection::kBadSignature);
}

TEST_F(FacebookAdapterTest, BatchAccepted) {
  TestRequest r = SignedPost(ReadFixture("facebook", "batch_mixed.json"));
  WebhookOutcome o = adapter_->Handle(r.View());
  ASSERT_EQ(o.response.status, 200) << o.response.body;
  EXPECT_EQ(o.contacts.size(), 5u);
  EXPECT_EQ(o.ignored.size(), 10u);
}

TEST_F(FacebookAdapterTest, SignatureFailures) {
  const std::string body = ReadFixture("facebook", "batch_mixed.json");
  TestRequest missing;
  missing.body = body;
  EXPECT_EQ(adapter_->Handle(missing.View()).response.status, 401);
  TestRequest wrong = SignedPost(body, "wrong");
  EXPECT_EQ(adapter_->Handle(wrong.View()).rejection, WebhookRejection::kBadSignature);
  TestRequest tampered = SignedPost(body);
  tampered.body[10] = ' ';
  EXPECT_EQ(adapter_->Handle(tampered.View()).response.status, 401);
}

TEST_F(FacebookAdapterTest, MalformedContentTypeMethod) {
  for (std::string body : {std::string(), std::string("{]"), std::string(R"({"object":"page","entry":[1]})")}) {
    TestRequest r = SignedPost(body);
    WebhookOutcome o = adapter_->Handle(r.View());
    EXPECT_EQ(o.response.status, 400) << body;
    EXPECT_EQ(o.rejection, WebhookRejection::kMalformed);
  }
  TestRequest xml = SignedPost(ReadFixture("facebook", "text_message.json"));
  xml.content_type = "text/xml";
  EXPECT_EQ(adapter_->Handle(xml.View()).response.status, 415);
  TestRequest big = SignedPost(std::string(4 * 1024 * 1024 + 1, ' '));
  EXPECT_EQ(adapter_->Handle(big.View()).response.status, 413);
  TestRequest put = SignedPost("{}");
  put.method = "PUT";
  EXPECT_EQ(adapter_->Handle(put.View()).response.status, 405);
}

TEST(FacebookAdapterFactoryTest, SecretFromFileAndMissingToken) {
  auto factory = MakeFacebookAdapterFactory();
  ChannelOptions options = TestOptions();
  options.Set("app_secret_file", std::string("/nonexistent/routerd-test-secret"), 8);
  options.Set("verify_token", std::string("t"), 9);
  auto adapter = factory->Create(TestIdentity("facebook"), options);
  ASSERT_FALSE(adapter.ok());
  EXPECT_NE(adapter.status().message().find("app_secret_file"), std::string::npos);
  ChannelOptions no_token = TestOptions();
  no_token.Set("app_secret", std::string("s"), 8);
  EXPECT_FALSE(factory->Create(TestIdentity("facebook"), no_token).ok());
}

}  // namespace
}  // namespace routerd::adapters::facebook
