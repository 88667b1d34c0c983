#include "line/line_adapter.h"

#include <gtest/gtest.h>

#include "line/line_signature.h"
#include "tests/adapters/common/adapter_test_util.h"

namespace routerd::adapters::line {
namespace {

using testing::ReadFixture;
using testing::TestIdentity;
using testing::TestOptions;
using testing::TestRequest;

constexpr char kSecret[] = "channel_secret";

class LineAdapterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    factory_ = MakeLineAdapterFactory();
    ChannelOptions options = TestOptions();
    options.Set("channel_secret", std::string(kSecret), 8);
    auto adapter = factory_->Create(TestIdentity("line"), options);
    ASSERT_TRUE(adapter.ok()) << adapter.status().ToString();
    adapter_ = *adapter;
    EXPECT_TRUE(options.UnreadKeys().empty());
  }

  TestRequest SignedPost(std::string body, std::string_view secret = kSecret) {
    TestRequest r;
    r.body = std::move(body);
    r.Header("X-Line-Signature", LineSignature(secret, r.body));
    return r;
  }

  std::unique_ptr<ChannelAdapterFactory> factory_;
  ChannelAdapterPtr adapter_;
};

TEST_F(LineAdapterTest, Kind) { EXPECT_EQ(factory_->Kind(), "line"); }

TEST_F(LineAdapterTest, VerifyPostWithPublishedSignatureIs200) {
  TestRequest r;
  r.body = ReadFixture("line", "verify.json");
  r.Header("x-line-signature", "WAhii+CTOVmCuhGrR1QSR2c05bwHtsh0tflvv6CW9h4=");
  WebhookOutcome o = adapter_->Handle(r.View());
  EXPECT_EQ(o.rejection, WebhookRejection::kNone);
  EXPECT_EQ(o.response.status, 200);
  EXPECT_TRUE(o.contacts.empty());
  EXPECT_EQ(o.ignored, std::vector<std::string_view>{"verify"});
}

TEST_F(LineAdapterTest, BatchAccepted) {
  TestRequest r = SignedPost(ReadFixture("line", "batch_mixed.json"));
  r.now_unix_ms = 1718000000999;
  WebhookOutcome o = adapter_->Handle(r.View());
  ASSERT_EQ(o.response.status, 200) << o.response.body;
  ASSERT_EQ(o.contacts.size(), 7u);
  for (const Contact& c : o.contacts) {
    EXPECT_EQ(c.tenant_id, "tenant-1");
    EXPECT_EQ(c.channel_kind, "line");
    EXPECT_EQ(c.channel_id, "channel-1");
    EXPECT_EQ(c.received_at_ms, 1718000000999);
  }
  EXPECT_EQ(o.ignored.size(), 12u);
}

TEST_F(LineAdapterTest, SignatureFailuresAre401) {
  const std::string body = ReadFixture("line", "sdk_text.json");
  TestRequest missing;
  missing.body = body;
  WebhookOutcome o = adapter_->Handle(missing.View());
  EXPECT_EQ(o.response.status, 401);
  EXPECT_EQ(o.rejection, WebhookRejection::kBadSignature);
  TestRequest wrong = SignedPost(body, "another_secret");
  EXPECT_EQ(adapter_->Handle(wrong.View()).response.status, 401);
  TestRequest tampered = SignedPost(body);
  tampered.body.replace(tampered.body.find("Hello"), 5, "Howdy");
  EXPECT_EQ(adapter_->Handle(tampered.View()).response.status, 401);
  TestRequest garbage = SignedPost(body);
  garbage.headers[0].second = "%%%%";
  EXPECT_EQ(adapter_->Handle(garbage.View()).response.status, 401);
}

TEST_F(LineAdapterTest, MalformedAre400) {
  for (std::string body : {std::string(), std::string("null"), std::string(R"({"events":"none"})"),
                           std::string("{\"events\":[],\"destination\":\"\xff\"}")}) {
    TestRequest r = SignedPost(body);
    WebhookOutcome o = adapter_->Handle(r.View());
    EXPECT_EQ(o.response.status, 400) << body;
    EXPECT_EQ(o.rejection, WebhookRejection::kMalformed);
  }
}

TEST_F(LineAdapterTest, GetContentTypeAndSize) {
  TestRequest get = SignedPost("");
  get.method = "GET";
  WebhookOutcome o = adapter_->Handle(get.View());
  EXPECT_EQ(o.response.status, 405);
  EXPECT_EQ(o.rejection, WebhookRejection::kMethod);
  TestRequest text = SignedPost(ReadFixture("line", "verify.json"));
  text.content_type = "text/plain; charset=utf-8";
  EXPECT_EQ(adapter_->Handle(text.View()).response.status, 415);
  TestRequest big = SignedPost(std::string(4 * 1024 * 1024 + 1, ' '));
  EXPECT_EQ(adapter_->Handle(big.View()).response.status, 413);
}

TEST(LineAdapterFactoryTest, MissingSecret) {
  auto factory = MakeLineAdapterFactory();
  ChannelOptions options = TestOptions();
  auto adapter = factory->Create(TestIdentity("line"), options);
  ASSERT_FALSE(adapter.ok());
  EXPECT_NE(adapter.status().message().find("channel_secret"), std::string::npos);
}

}  // namespace
}  // namespace routerd::adapters::line
