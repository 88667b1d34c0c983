#include "whatsapp/whatsapp_adapter.h"

#include <gtest/gtest.h>

#include <cctype>

#include "tests/adapters/common/adapter_test_util.h"
#include "whatsapp/whatsapp_signature.h"

namespace routerd::adapters::whatsapp {
namespace {

using testing::ReadFixture;
using testing::TestIdentity;
using testing::TestOptions;
using testing::TestRequest;

constexpr char kSecret[] = "test_app_secret";
constexpr char kVerifyToken[] = "verify-me";

class WhatsAppAdapterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    factory_ = MakeWhatsAppAdapterFactory();
    ChannelOptions options = TestOptions();
    options.Set("app_secret", std::string(kSecret), 8);
    options.Set("verify_token", std::string(kVerifyToken), 9);
    auto adapter = factory_->Create(TestIdentity("whatsapp"), options);
    ASSERT_TRUE(adapter.ok()) << adapter.status().ToString();
    adapter_ = *adapter;
    EXPECT_TRUE(options.UnreadKeys().empty());
  }

  TestRequest SignedPost(std::string body, std::string_view secret = kSecret) {
    TestRequest r;
    r.body = std::move(body);
    r.Header("X-Hub-Signature-256", WhatsAppSignature(secret, r.body));
    return r;
  }

  std::unique_ptr<ChannelAdapterFactory> factory_;
  ChannelAdapterPtr adapter_;
};

TEST_F(WhatsAppAdapterTest, Kind) { EXPECT_EQ(factory_->Kind(), "whatsapp"); }

TEST_F(WhatsAppAdapterTest, VerificationGet) {
  TestRequest r;
  r.method = "GET";
  r.query = "hub.mode=subscribe&hub.challenge=CHALLENGE_ACCEPTED&hub.verify_token=verify-me";
  WebhookOutcome o = adapter_->Handle(r.View());
  EXPECT_EQ(o.rejection, WebhookRejection::kNone);
  EXPECT_EQ(o.response.status, 200);
  EXPECT_EQ(o.response.content_type, "text/plain");
  EXPECT_EQ(o.response.body, "CHALLENGE_ACCEPTED");

  r.query = "hub.mode=subscribe&hub.challenge=x&hub.verify_token=verify-you";
  o = adapter_->Handle(r.View());
  EXPECT_EQ(o.response.status, 403);
  EXPECT_EQ(o.rejection, WebhookRejection::kBadHandshake);
}

TEST_F(WhatsAppAdapterTest, OfficialExampleWithPublishedSignature) {
  TestRequest r;
  r.body = ReadFixture("whatsapp", "official_text.json");
  r.Header("x-hub-signature-256", "sha256=ded1d1d9621cffa39832ccf2b330fa476b4dc8ec2a5d102e1e554312b3f21d42");
  r.now_unix_ms = 1749416384500;
  WebhookOutcome o = adapter_->Handle(r.View());
  ASSERT_EQ(o.rejection, WebhookRejection::kNone) << o.response.body;
  EXPECT_EQ(o.response.status, 200);
  EXPECT_EQ(o.response.body, "EVENT_RECEIVED");
  ASSERT_EQ(o.contacts.size(), 1u);
  const Contact& c = o.contacts[0];
  EXPECT_EQ(c.tenant_id, "tenant-1");
  EXPECT_EQ(c.channel_kind, "whatsapp");
  EXPECT_EQ(c.channel_id, "channel-1");
  EXPECT_EQ(c.customer_id, "16505551234");
  EXPECT_EQ(c.display_name, "Sheena Nelson");
  EXPECT_EQ(c.sent_at_ms, 1749416383000);
  EXPECT_EQ(c.received_at_ms, 1749416384500);
}

TEST_F(WhatsAppAdapterTest, MixedBatchAllAccepted) {
  TestRequest r = SignedPost(ReadFixture("whatsapp", "batch_mixed.json"));
  WebhookOutcome o = adapter_->Handle(r.View());
  ASSERT_EQ(o.response.status, 200) << o.response.body;
  EXPECT_EQ(o.contacts.size(), 11u);
  EXPECT_EQ(o.ignored.size(), 6u);
}

TEST_F(WhatsAppAdapterTest, StatusesOnlyIs200WithNothingToRoute) {
  TestRequest r = SignedPost(ReadFixture("whatsapp", "statuses_only.json"));
  WebhookOutcome o = adapter_->Handle(r.View());
  EXPECT_EQ(o.response.status, 200);
  EXPECT_TRUE(o.contacts.empty());
  EXPECT_EQ(o.ignored, (std::vector<std::string_view>{"status", "status"}));
}

TEST_F(WhatsAppAdapterTest, SignatureFailures) {
  const std::string body = ReadFixture("whatsapp", "batch_mixed.json");
  TestRequest missing;
  missing.body = body;
  WebhookOutcome o = adapter_->Handle(missing.View());
  EXPECT_EQ(o.response.status, 401);
  EXPECT_EQ(o.rejection, WebhookRejection::kBadSignature);

  TestRequest wrong_secret = SignedPost(body, "not_the_secret");
  EXPECT_EQ(adapter_->Handle(wrong_secret.View()).response.status, 401);

  TestRequest sha1_only = SignedPost(body);
  sha1_only.headers[0] = {"X-Hub-Signature", "sha1=0000000000000000000000000000000000000000"};
  EXPECT_EQ(adapter_->Handle(sha1_only.View()).response.status, 401);

  TestRequest tampered = SignedPost(body);
  tampered.body.back() = ' ';
  EXPECT_EQ(adapter_->Handle(tampered.View()).response.status, 401);

  TestRequest no_prefix = SignedPost(body);
  no_prefix.headers[0].second = no_prefix.headers[0].second.substr(7);
  EXPECT_EQ(adapter_->Handle(no_prefix.View()).response.status, 401);
}

TEST_F(WhatsAppAdapterTest, UppercaseHexSignatureAccepted) {
  TestRequest r = SignedPost(ReadFixture("whatsapp", "official_text.json"));
  std::string& signature = r.headers[0].second;
  for (size_t i = 7; i < signature.size(); ++i) signature[i] = static_cast<char>(std::toupper(signature[i]));
  ASSERT_NE(signature, WhatsAppSignature(kSecret, r.body));
  EXPECT_EQ(adapter_->Handle(r.View()).response.status, 200);
}

TEST_F(WhatsAppAdapterTest, MalformedEmptyAndInvalidUtf8Are400) {
  for (std::string body : {std::string(), std::string("{"), std::string(R"({"object":"page","entry":[]})"),
                           std::string("{\"object\":\"whatsapp_business_account\",\"entry\":[\"\xff\"]}")}) {
    TestRequest r = SignedPost(body);
    WebhookOutcome o = adapter_->Handle(r.View());
    EXPECT_EQ(o.response.status, 400) << body;
    EXPECT_EQ(o.rejection, WebhookRejection::kMalformed);
  }
}

TEST_F(WhatsAppAdapterTest, ContentTypeSizeAndMethod) {
  TestRequest form = SignedPost(ReadFixture("whatsapp", "official_text.json"));
  form.content_type = "application/x-www-form-urlencoded";
  EXPECT_EQ(adapter_->Handle(form.View()).response.status, 415);
  TestRequest big = SignedPost(std::string(4 * 1024 * 1024 + 1, '{'));
  EXPECT_EQ(adapter_->Handle(big.View()).response.status, 413);
  TestRequest del = SignedPost("{}");
  del.method = "DELETE";
  EXPECT_EQ(adapter_->Handle(del.View()).response.status, 405);
}

TEST(WhatsAppAdapterFactoryTest, BothKeysRequired) {
  auto factory = MakeWhatsAppAdapterFactory();
  ChannelOptions only_secret = TestOptions();
  only_secret.Set("app_secret", std::string("s"), 8);
  auto a = factory->Create(TestIdentity("whatsapp"), only_secret);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("verify_token"), std::string::npos);
  ChannelOptions only_token = TestOptions();
  only_token.Set("verify_token", std::string("t"), 8);
  auto b = factory->Create(TestIdentity("whatsapp"), only_token);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("app_secret"), std::string::npos);
}

}  // namespace
}  // namespace routerd::adapters::whatsapp
