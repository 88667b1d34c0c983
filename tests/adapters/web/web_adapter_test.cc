#include "web/web_adapter.h"

#include <gtest/gtest.h>

#include <cctype>

#include "tests/adapters/common/adapter_test_util.h"
#include "web/web_signature.h"

namespace routerd::adapters::web {
namespace {

using testing::ReadFixture;
using testing::TestIdentity;
using testing::TestOptions;
using testing::TestRequest;

constexpr char kSecret[] = "widget-secret";
constexpr std::int64_t kNowMs = 1'718'000'000'500;

ChannelAdapterPtr MakeAdapter(std::optional<std::int64_t> tolerance = std::nullopt) {
  auto factory = MakeWebAdapterFactory();
  ChannelOptions options = TestOptions();
  options.Set("secret", std::string(kSecret), 8);
  if (tolerance) options.Set("timestamp_tolerance_s", *tolerance, 9);
  auto adapter = factory->Create(TestIdentity("web"), options);
  EXPECT_TRUE(adapter.ok()) << adapter.status().ToString();
  EXPECT_TRUE(options.UnreadKeys().empty());
  return adapter.ok() ? *adapter : nullptr;
}

TestRequest SignedPost(std::string body, std::string timestamp = "1718000000",
                       std::string_view secret = kSecret) {
  TestRequest r;
  r.body = std::move(body);
  r.now_unix_ms = kNowMs;
  r.Header("X-Routerd-Timestamp", timestamp);
  r.Header("X-Routerd-Signature", WebSignature(secret, timestamp, r.body));
  return r;
}

TEST(WebAdapterTest, Kind) { EXPECT_EQ(MakeWebAdapterFactory()->Kind(), "web"); }

TEST(WebAdapterTest, AcceptsMessage) {
  auto adapter = MakeAdapter();
  TestRequest r = SignedPost(ReadFixture("web", "message.json"));
  WebhookOutcome o = adapter->Handle(r.View());
  ASSERT_EQ(o.rejection, WebhookRejection::kNone) << o.response.body;
  EXPECT_EQ(o.response.status, 200);
  EXPECT_EQ(o.response.body, R"({"ok":true})");
  ASSERT_EQ(o.contacts.size(), 1u);
  const Contact& c = o.contacts[0];
  EXPECT_EQ(c.tenant_id, "tenant-1");
  EXPECT_EQ(c.channel_kind, "web");
  EXPECT_EQ(c.channel_id, "channel-1");
  EXPECT_EQ(c.received_at_ms, kNowMs);
  EXPECT_EQ(c.customer_id, "v_6f1c2a");
  EXPECT_EQ(c.provider_message_id, "01J9Z3K8Q6V1T7X2M4N5P6R7S8");
}

TEST(WebAdapterTest, LeaveMessageGoesToLeaveMessages) {
  auto adapter = MakeAdapter();
  TestRequest r = SignedPost(ReadFixture("web", "leave_message.json"));
  WebhookOutcome o = adapter->Handle(r.View());
  ASSERT_EQ(o.response.status, 200) << o.response.body;
  EXPECT_TRUE(o.contacts.empty());
  ASSERT_EQ(o.leave_messages.size(), 1u);
  EXPECT_EQ(o.leave_messages[0].channel_kind, "web");
  EXPECT_EQ(o.leave_messages[0].received_at_ms, kNowMs);
}

TEST(WebAdapterTest, ReplayedTimestamps) {
  auto adapter = MakeAdapter();
  const std::string body = ReadFixture("web", "message.json");
  // 301 s old and 301 s ahead: replay; exactly 300 s away: accepted.
  for (const char* ts : {"1717999699", "1718000301"}) {
    TestRequest r = SignedPost(body, ts);
    r.now_unix_ms = 1'718'000'000'000;
    WebhookOutcome o = adapter->Handle(r.View());
    EXPECT_EQ(o.response.status, 401) << ts;
    EXPECT_EQ(o.rejection, WebhookRejection::kReplay) << ts;
    EXPECT_TRUE(o.contacts.empty());
  }
  for (const char* ts : {"1717999700", "1718000300"}) {
    TestRequest r = SignedPost(body, ts);
    r.now_unix_ms = 1'718'000'000'000;
    EXPECT_EQ(adapter->Handle(r.View()).response.status, 200) << ts;
  }
}

TEST(WebAdapterTest, ConfiguredTolerance) {
  auto adapter = MakeAdapter(10);
  TestRequest r = SignedPost(ReadFixture("web", "message.json"), "1717999980");  // 20.5 s old
  EXPECT_EQ(adapter->Handle(r.View()).rejection, WebhookRejection::kReplay);
}

TEST(WebAdapterTest, SignatureAndTimestampHeaderFailures) {
  auto adapter = MakeAdapter();
  const std::string body = ReadFixture("web", "message.json");

  TestRequest wrong_secret = SignedPost(body, "1718000000", "other");
  WebhookOutcome o = adapter->Handle(wrong_secret.View());
  EXPECT_EQ(o.response.status, 401);
  EXPECT_EQ(o.rejection, WebhookRejection::kBadSignature);

  TestRequest no_signature = SignedPost(body);
  no_signature.headers.pop_back();
  EXPECT_EQ(adapter->Handle(no_signature.View()).rejection, WebhookRejection::kBadSignature);

  TestRequest no_timestamp = SignedPost(body);
  no_timestamp.headers.erase(no_timestamp.headers.begin());
  EXPECT_EQ(adapter->Handle(no_timestamp.View()).rejection, WebhookRejection::kBadSignature);

  // The signed timestamp cannot be swapped for a fresh one.
  TestRequest swapped = SignedPost(body, "1717990000");
  swapped.headers[0].second = "1718000000";
  EXPECT_EQ(adapter->Handle(swapped.View()).rejection, WebhookRejection::kBadSignature);

  for (const char* ts : {"-1718000000", "1718000000.0", "0x66", " 1718000000", "abc"}) {
    TestRequest bad = SignedPost(body, ts);
    WebhookOutcome b = adapter->Handle(bad.View());
    EXPECT_EQ(b.response.status, 401) << ts;
    EXPECT_EQ(b.rejection, WebhookRejection::kBadSignature) << ts;
  }

  TestRequest upper = SignedPost(body);
  std::string& sig = upper.headers[1].second;
  for (size_t i = 7; i < sig.size(); ++i) sig[i] = static_cast<char>(std::toupper(sig[i]));
  EXPECT_EQ(adapter->Handle(upper.View()).response.status, 200);
}

TEST(WebAdapterTest, MalformedContentTypeMethodSize) {
  auto adapter = MakeAdapter();
  for (std::string body : {std::string(), std::string("{\"event_id\":"), std::string(R"({"event_id":"e","type":"message"})"),
                           std::string("{\"event_id\":\"\xf8\"}")}) {
    TestRequest r = SignedPost(body);
    WebhookOutcome o = adapter->Handle(r.View());
    EXPECT_EQ(o.response.status, 400) << body;
    EXPECT_EQ(o.rejection, WebhookRejection::kMalformed);
  }
  TestRequest form = SignedPost(ReadFixture("web", "message.json"));
  form.content_type = "multipart/form-data; boundary=x";
  EXPECT_EQ(adapter->Handle(form.View()).response.status, 415);
  TestRequest get = SignedPost("{}");
  get.method = "GET";
  EXPECT_EQ(adapter->Handle(get.View()).response.status, 405);
  TestRequest big = SignedPost(std::string(4 * 1024 * 1024 + 1, ' '));
  EXPECT_EQ(adapter->Handle(big.View()).response.status, 413);
}

TEST(WebAdapterFactoryTest, ConfigErrors) {
  auto factory = MakeWebAdapterFactory();
  ChannelOptions missing = TestOptions();
  auto a = factory->Create(TestIdentity("web"), missing);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("secret"), std::string::npos);

  for (std::int64_t bad : {std::int64_t{0}, std::int64_t{-5}, std::int64_t{86401}}) {
    ChannelOptions options = TestOptions();
    options.Set("secret", std::string("s"), 8);
    options.Set("timestamp_tolerance_s", bad, 12);
    auto b = factory->Create(TestIdentity("web"), options);
    ASSERT_FALSE(b.ok()) << bad;
    EXPECT_EQ(b.status().message(),
              "routerd.toml:12: tenants[0].channels[0]: timestamp_tolerance_s: must be between 1 and 86400 seconds");
  }
  ChannelOptions wrong_type = TestOptions();
  wrong_type.Set("secret", std::string("s"), 8);
  wrong_type.Set("timestamp_tolerance_s", std::string("300"), 9);
  EXPECT_FALSE(factory->Create(TestIdentity("web"), wrong_type).ok());
}

}  // namespace
}  // namespace routerd::adapters::web
