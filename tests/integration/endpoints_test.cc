// The daemon's HTTP surface around the channels: unknown channels and kinds,
// methods, /healthz, /metrics counts for all seven kinds, the body limit and
// keep-alive.
#include <gtest/gtest.h>

#include "tests/integration/signing.h"
#include "tests/integration/webhook_test_fixture.h"

namespace routerd::integration {
namespace {

using EndpointsTest = WebhookIntegrationTest;

TEST_F(EndpointsTest, UnknownChannelIs404Json) {
  const std::string body = WhatsAppTextBody({{"1", "A", "wamid.1", "hi"}});
  const HttpResult res =
      Send("POST", WebhookPath("whatsapp", "wa-missing"), body,
           {{"Content-Type", "application/json"}, {"X-Hub-Signature-256", MetaSignature(kWhatsAppSecret, body)}});
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.Header("Content-Type"), "application/json");
  EXPECT_EQ(res.body, R"({"error":"not_found","detail":"no whatsapp channel with this id"})");
  EXPECT_TRUE(Snapshot().sessions.empty());
}

TEST_F(EndpointsTest, KindThatDoesNotMatchTheChannelIs404) {
  // A correctly signed LINE delivery sent to the WhatsApp channel's id.
  ProviderRequest line = LinePost(LineTextBody({{"Uaaaa", "01HZ1", "hi"}}));
  line.target = WebhookPath("line", kWhatsAppChannel);
  const HttpResult mismatch = Deliver(line);
  EXPECT_EQ(mismatch.status, 404);
  EXPECT_EQ(mismatch.body, R"({"error":"not_found","detail":"no line channel with this id"})");

  const HttpResult unknown_kind = Send("GET", WebhookPath("telegram", kWhatsAppChannel));
  EXPECT_EQ(unknown_kind.status, 404);
  EXPECT_EQ(unknown_kind.body, R"({"error":"not_found","detail":"no telegram channel with this id"})");
  EXPECT_TRUE(Snapshot().sessions.empty());
}

TEST_F(EndpointsTest, PathsOutsideTheRoutesAre404) {
  for (const char* path : {"/webhooks/whatsapp", "/webhooks/whatsapp/", "/webhooks/whatsapp/wa-main/extra",
                           "/webhooks//wa-main", "/healthz/more", "/nope"}) {
    const HttpResult res = Send("GET", path);
    EXPECT_EQ(res.status, 404) << path;
    EXPECT_EQ(res.body, R"({"error":"not_found","detail":"no such endpoint"})") << path;
  }
}

TEST_F(EndpointsTest, PutAndDeleteOnAWebhookAre405) {
  for (const char* method : {"PUT", "DELETE"}) {
    const HttpResult res = Send(method, WebhookPath("whatsapp", kWhatsAppChannel), "{}",
                                {{"Content-Type", "application/json"}});
    EXPECT_EQ(res.status, 405) << method;
    EXPECT_EQ(res.Header("Allow"), "GET, POST") << method;
    EXPECT_EQ(res.body, R"({"error":"method_not_allowed","detail":"use GET or POST"})") << method;
  }
  EXPECT_EQ(MetricValue("routerd_webhook_responses_total{kind=\"whatsapp\",code=\"405\"}"), 2u);
}

TEST_F(EndpointsTest, HealthzAnswers200AndOnlyToGet) {
  const HttpResult res = Send("GET", "/healthz");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.Header("Content-Type"), "application/json");
  EXPECT_EQ(res.body, R"({"status":"ok"})");

  const HttpResult post = Send("POST", "/healthz", "x");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.Header("Allow"), "GET");
  EXPECT_EQ(Send("DELETE", "/metrics").status, 405);
}

TEST_F(EndpointsTest, MetricsCountAcceptedContactsPerKind) {
  ASSERT_EQ(Deliver(WeChatPlainPost(kWeChatPlainChannel, WeChatTextXml("oUser1", "1001", "a"), kWeChatPlainToken))
                .status,
            200);
  ASSERT_EQ(Deliver(WeChatSafePost(kWeChatSafeChannel, WeChatTextXml("oUser2", "1002", "b"), kWeChatSafeToken,
                                   kWeChatSafeAesKey, kWeChatSafeAppId))
                .status,
            200);
  ASSERT_EQ(Deliver(WebPost(WebEventBody("evt-1", "message", "v-1", "Ana", "c"))).status, 200);
  ASSERT_EQ(Deliver(XPost(XDmBody({{"111", "Ann", "5001", "d"}, {"222", "Ben", "5002", "e"}}))).status, 200);
  ASSERT_EQ(Deliver(EmailPost(EmailFields("bob@example.org", "", "f", "<m@x>"), "token-1")).status, 200);
  ASSERT_EQ(Deliver(WhatsAppPost(WhatsAppTextBody({{"1", "A", "wamid.1", "g"},
                                                   {"2", "B", "wamid.2", "h"},
                                                   {"1", "A", "wamid.3", "i"}})))
                .status,
            200);
  ASSERT_EQ(Deliver(FacebookPost(MessengerTextBody({{"1001", "m_1", "j"}}))).status, 200);
  ASSERT_EQ(Deliver(LinePost(LineTextBody({{"Ua", "01HZ1", "k"}, {"Ub", "01HZ2", "l"}}))).status, 200);
  // Refused and ignored deliveries count nothing as accepted.
  ASSERT_EQ(Deliver(LinePost(LineTextBody({{"Uc", "01HZ3", "m"}}), "wrong-secret")).status, 401);
  ASSERT_EQ(Deliver(LinePost(Fixture("line/verify.json"))).status, 200);

  const RouterSnapshot s = WaitForMessages(12);
  EXPECT_EQ(s.sessions.size(), 11u);  // WhatsApp customer 1 sent twice

  const std::pair<const char*, std::uint64_t> expected[] = {
      {"wechat", 2}, {"web", 1}, {"x", 2}, {"email", 1}, {"whatsapp", 3}, {"facebook", 1}, {"line", 2}};
  for (const auto& [kind, count] : expected) {
    EXPECT_EQ(MetricValue("routerd_webhook_contacts_accepted_total{kind=\"" + std::string(kind) + "\"}"), count)
        << kind;
  }
  EXPECT_EQ(MetricValue("routerd_webhook_responses_total{kind=\"line\",code=\"200\"}"), 2u);
  EXPECT_EQ(MetricValue("routerd_webhook_responses_total{kind=\"line\",code=\"401\"}"), 1u);
  EXPECT_EQ(MetricValue("routerd_webhook_rejections_total{kind=\"line\",reason=\"bad_signature\"}"), 1u);
  EXPECT_EQ(MetricValue("routerd_webhook_duplicates_total{kind=\"whatsapp\"}"), 0u);
}

TEST_F(EndpointsTest, BodyOverMaxBodyBytesIs413AndTheLimitItselfPasses) {
  // Exactly max_body_bytes: accepted by the server and routed.
  const std::string prefix = WebEventBody("evt-big", "message", "v-big", "Big", "");
  std::string text(static_cast<std::size_t>(kMaxBodyBytes) - prefix.size(), 'x');
  const std::string at_limit = WebEventBody("evt-big", "message", "v-big", "Big", text);
  ASSERT_EQ(at_limit.size(), static_cast<std::size_t>(kMaxBodyBytes));
  const HttpResult ok = Deliver(WebPost(at_limit));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, R"({"ok":true})");

  // One byte more is refused before any handler runs, and the connection closes.
  text.push_back('x');
  const HttpResult big = Deliver(WebPost(WebEventBody("evt-big2", "message", "v-big2", "Big", text)));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.Header("Content-Type"), "application/json");
  EXPECT_EQ(big.body, R"({"error":"payload_too_large","detail":"the body exceeds 2048 bytes"})");
  EXPECT_FALSE(big.keep_alive);

  const RouterSnapshot s = WaitForMessages(1);
  ASSERT_EQ(s.sessions.size(), 1u);
  EXPECT_EQ(s.sessions[0].customer_id, "v-big");
  EXPECT_EQ(MetricValue("routerd_http_malformed_total"), 1u);
  EXPECT_EQ(client().connections_opened(), 2);  // the 413 closed the first one
}

TEST_F(EndpointsTest, KeepAliveServesManyRequestsOnOneConnection) {
  for (int i = 0; i < 5; ++i) {
    const HttpResult res = Send("GET", "/healthz");
    EXPECT_EQ(res.status, 200);
    EXPECT_TRUE(res.keep_alive);
  }
  ASSERT_EQ(Deliver(LinePost(LineTextBody({{"Ua", "01HZ1", "k"}}))).status, 200);
  EXPECT_EQ(MetricValue("routerd_http_connections_total"), 1u);
  // 5 health checks, 1 delivery, and this scrape and the one before it.
  EXPECT_EQ(MetricValue("routerd_http_requests_total"), 8u);
  EXPECT_EQ(client().connections_opened(), 1);
}

}  // namespace
}  // namespace routerd::integration
