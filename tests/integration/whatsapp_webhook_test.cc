// WhatsApp Cloud API through the real daemon: signed deliveries, batches,
// status receipts, refusals and the hub.* verification.
#include <gtest/gtest.h>

#include "tests/integration/webhook_test_fixture.h"

namespace routerd::integration {
namespace {

using WhatsAppWebhookTest = WebhookIntegrationTest;

constexpr std::string_view kOfficialWamid = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=";

TEST_F(WhatsAppWebhookTest, TextMessageOpensASessionAssignedToTheReadyAgent) {
  SignInReady("a1");
  const HttpResult res = Deliver(WhatsAppPost(Fixture("whatsapp/official_text.json")));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "EVENT_RECEIVED");
  EXPECT_EQ(res.Header("Content-Type"), "text/plain");

  const RouterSnapshot s = WaitFor(
      [](const RouterSnapshot& r) { return r.sessions.size() == 1 && r.sessions[0].agent == "a1"; },
      "one session assigned to a1");
  ASSERT_EQ(s.sessions.size(), 1u);
  const SessionInfo& session = s.sessions[0];
  EXPECT_EQ(session.channel_id, kWhatsAppChannel);
  EXPECT_EQ(session.channel_kind, "whatsapp");
  EXPECT_EQ(session.customer_id, "16505551234");
  EXPECT_EQ(session.display_name, "Sheena Nelson");
  EXPECT_EQ(session.text, "Does it come in another color?");
  EXPECT_EQ(session.provider_message_id, kOfficialWamid);
  EXPECT_EQ(session.queue_id, "chat");
  EXPECT_EQ(session.agent, "a1");
  EXPECT_EQ(session.messages, 1u);
}

TEST_F(WhatsAppWebhookTest, RedeliveryIsAnswered200AndAddsNothing) {
  const ProviderRequest delivery = WhatsAppPost(Fixture("whatsapp/official_text.json"));
  ASSERT_EQ(Deliver(delivery).status, 200);
  WaitForMessages(1);

  const HttpResult again = Deliver(delivery);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, "EVENT_RECEIVED");
  RouterSnapshot s = Snapshot();
  ASSERT_EQ(s.sessions.size(), 1u);
  EXPECT_EQ(s.sessions[0].messages, 1u);

  // A new message of the same customer joins the session: exactly one more.
  ASSERT_EQ(Deliver(WhatsAppPost(WhatsAppTextBody({{"16505551234", "Sheena Nelson", "wamid.second", "Blue?"}})))
                .status,
            200);
  s = WaitForMessages(2);
  ASSERT_EQ(s.sessions.size(), 1u);
  EXPECT_EQ(s.sessions[0].messages, 2u);
  EXPECT_EQ(s.sessions[0].text, "Does it come in another color?");  // the first message stays first
  EXPECT_EQ(MetricValue("routerd_webhook_contacts_accepted_total{kind=\"whatsapp\"}"), 2u);
  EXPECT_EQ(MetricValue("routerd_webhook_duplicates_total{kind=\"whatsapp\"}"), 1u);
}

TEST_F(WhatsAppWebhookTest, BatchOpensOneSessionPerCustomer) {
  const HttpResult res = Deliver(WhatsAppPost(WhatsAppTextBody({
      {"16505551234", "Sheena Nelson", "wamid.A1", "first"},
      {"34600111222", "Jose Perez", "wamid.A2", "hola"},
      {"16505551234", "Sheena Nelson", "wamid.A3", "second"},
      {"81900001111", "Kenji", "wamid.A4", "konnichiwa"},
  })));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "EVENT_RECEIVED");

  const RouterSnapshot s = WaitForMessages(4);
  ASSERT_EQ(s.sessions.size(), 3u);
  const SessionInfo* sheena = s.Find(kWhatsAppChannel, "16505551234");
  const SessionInfo* jose = s.Find(kWhatsAppChannel, "34600111222");
  const SessionInfo* kenji = s.Find(kWhatsAppChannel, "81900001111");
  ASSERT_NE(sheena, nullptr);
  ASSERT_NE(jose, nullptr);
  ASSERT_NE(kenji, nullptr);
  EXPECT_EQ(sheena->messages, 2u);
  EXPECT_EQ(sheena->text, "first");
  EXPECT_EQ(jose->messages, 1u);
  EXPECT_EQ(jose->display_name, "Jose Perez");
  EXPECT_EQ(jose->text, "hola");
  EXPECT_EQ(kenji->messages, 1u);
  EXPECT_EQ(kenji->text, "konnichiwa");
  for (const SessionInfo& session : s.sessions) {
    EXPECT_EQ(session.agent, "");  // nobody is signed in: they wait
    EXPECT_EQ(session.queue_id, "chat");
  }
}

TEST_F(WhatsAppWebhookTest, RepeatedIdWithinOneBatchIsRoutedOnce) {
  const HttpResult res = Deliver(WhatsAppPost(WhatsAppTextBody({
      {"16505551234", "Sheena Nelson", "wamid.SAME", "once"},
      {"16505551234", "Sheena Nelson", "wamid.SAME", "once"},
      {"16505551234", "Sheena Nelson", "wamid.OTHER", "twice"},
  })));
  EXPECT_EQ(res.status, 200);
  const RouterSnapshot s = WaitForMessages(2);
  ASSERT_EQ(s.sessions.size(), 1u);
  EXPECT_EQ(s.sessions[0].messages, 2u);
  EXPECT_EQ(MetricValue("routerd_webhook_contacts_accepted_total{kind=\"whatsapp\"}"), 2u);
  EXPECT_EQ(MetricValue("routerd_webhook_duplicates_total{kind=\"whatsapp\"}"), 1u);
}

TEST_F(WhatsAppWebhookTest, StatusReceiptsAreAcknowledgedAndRouteNothing) {
  const HttpResult res = Deliver(WhatsAppPost(Fixture("whatsapp/statuses_only.json")));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "EVENT_RECEIVED");
  EXPECT_TRUE(Snapshot().sessions.empty());
  EXPECT_EQ(MetricValue("routerd_webhook_ignored_total{kind=\"whatsapp\",reason=\"status\"}"), 2u);
  EXPECT_EQ(MetricValue("routerd_webhook_contacts_accepted_total{kind=\"whatsapp\"}"), 0u);
}

TEST_F(WhatsAppWebhookTest, WrongOrMissingSignatureIsRefused401) {
  const std::string body = Fixture("whatsapp/official_text.json");
  const HttpResult wrong = Deliver(WhatsAppPost(body, "not-the-app-secret"));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.Header("Content-Type"), "application/json");
  EXPECT_EQ(wrong.body, R"({"error":"bad_signature","detail":"X-Hub-Signature-256 does not match the body"})");

  const HttpResult missing =
      Send("POST", WebhookPath("whatsapp", kWhatsAppChannel), body, {{"Content-Type", "application/json"}});
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.body, R"({"error":"bad_signature","detail":"missing X-Hub-Signature-256"})");

  EXPECT_TRUE(Snapshot().sessions.empty());
  EXPECT_EQ(MetricValue("routerd_webhook_rejections_total{kind=\"whatsapp\",reason=\"bad_signature\"}"), 2u);
}

TEST_F(WhatsAppWebhookTest, MalformedBodyIsRefused400) {
  const HttpResult res = Deliver(WhatsAppPost(R"({"object":"whatsapp_business_account","entry":[)"));
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.Header("Content-Type"), "application/json");
  EXPECT_TRUE(res.body.starts_with(R"({"error":"malformed","detail":")")) << res.body;
  EXPECT_TRUE(Snapshot().sessions.empty());
}

TEST_F(WhatsAppWebhookTest, HubVerificationEchoesTheChallengeOnlyForTheRightToken) {
  const HttpResult ok = Send("GET", WebhookPath("whatsapp", kWhatsAppChannel,
                                                "hub.mode=subscribe&hub.verify_token=wa-test-verify-token"
                                                "&hub.challenge=1158201444"));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "1158201444");

  const HttpResult wrong = Send("GET", WebhookPath("whatsapp", kWhatsAppChannel,
                                                   "hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1"));
  EXPECT_EQ(wrong.status, 403);
  EXPECT_TRUE(Snapshot().sessions.empty());
}

}  // namespace
}  // namespace routerd::integration
