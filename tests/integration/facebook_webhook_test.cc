// Facebook Messenger through the real daemon: signed deliveries, batches over
// entries, echoes and standby events, refusals and the hub.* verification.
#include <gtest/gtest.h>

#include "tests/integration/webhook_test_fixture.h"

namespace routerd::integration {
namespace {

using FacebookWebhookTest = WebhookIntegrationTest;

TEST_F(FacebookWebhookTest, TextMessageOpensASessionAssignedToTheReadyAgent) {
  SignInReady("a1");
  const HttpResult res = Deliver(FacebookPost(Fixture("facebook/text_message.json")));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "EVENT_RECEIVED");

  const RouterSnapshot s = WaitFor(
      [](const RouterSnapshot& r) { return r.sessions.size() == 1 && r.sessions[0].agent == "a1"; },
      "one session assigned to a1");
  ASSERT_EQ(s.sessions.size(), 1u);
  const SessionInfo& session = s.sessions[0];
  EXPECT_EQ(session.channel_id, kFacebookChannel);
  EXPECT_EQ(session.channel_kind, "facebook");
  EXPECT_EQ(session.customer_id, "1254459154682919");
  EXPECT_EQ(session.display_name, "");  // Messenger webhooks carry no name
  EXPECT_EQ(session.text, "hello, world!");
  EXPECT_EQ(session.provider_message_id, "mid.1457764197618:41d102a3e1ae206a38");
  EXPECT_EQ(session.queue_id, "chat");
  EXPECT_EQ(session.messages, 1u);
}

TEST_F(FacebookWebhookTest, RedeliveryIsAnswered200AndAddsNothing) {
  const ProviderRequest delivery = FacebookPost(Fixture("facebook/text_message.json"));
  ASSERT_EQ(Deliver(delivery).status, 200);
  WaitForMessages(1);

  const HttpResult again = Deliver(delivery);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, "EVENT_RECEIVED");
  RouterSnapshot s = Snapshot();
  ASSERT_EQ(s.sessions.size(), 1u);
  EXPECT_EQ(s.sessions[0].messages, 1u);

  ASSERT_EQ(Deliver(FacebookPost(MessengerTextBody({{"1254459154682919", "mid.next", "still there?"}}))).status, 200);
  s = WaitForMessages(2);
  ASSERT_EQ(s.sessions.size(), 1u);
  EXPECT_EQ(s.sessions[0].messages, 2u);
  EXPECT_EQ(MetricValue("routerd_webhook_duplicates_total{kind=\"facebook\"}"), 1u);
}

TEST_F(FacebookWebhookTest, BatchOverEntriesOpensOneSessionPerCustomer) {
  const HttpResult res = Deliver(FacebookPost(MessengerTextBody({
      {"1001", "m_1", "one", 1718000000001},
      {"1002", "m_2", "two", 1718000000002},
      {"1001", "m_3", "three", 1718000000003},
      {"1003", "m_4", "four", 1718000000004},
  })));
  EXPECT_EQ(res.status, 200);

  const RouterSnapshot s = WaitForMessages(4);
  ASSERT_EQ(s.sessions.size(), 3u);
  ASSERT_NE(s.Find(kFacebookChannel, "1001"), nullptr);
  ASSERT_NE(s.Find(kFacebookChannel, "1002"), nullptr);
  ASSERT_NE(s.Find(kFacebookChannel, "1003"), nullptr);
  EXPECT_EQ(s.Find(kFacebookChannel, "1001")->messages, 2u);
  EXPECT_EQ(s.Find(kFacebookChannel, "1001")->text, "one");
  EXPECT_EQ(s.Find(kFacebookChannel, "1002")->messages, 1u);
  EXPECT_EQ(s.Find(kFacebookChannel, "1003")->messages, 1u);
  EXPECT_EQ(s.Find(kFacebookChannel, "1003")->text, "four");
}

TEST_F(FacebookWebhookTest, EchoesDeliveriesAndStandbyEventsRouteNothing) {
  const std::string echo =
      R"({"object":"page","entry":[{"id":"682498302938465","time":1718000000300,"messaging":[)"
      R"({"sender":{"id":"682498302938465"},"recipient":{"id":"1254459154682919"},"timestamp":1718000000300,)"
      R"("message":{"is_echo":true,"app_id":1517776481860111,"mid":"m_echo_1","text":"We are checking."}},)"
      R"({"sender":{"id":"1254459154682919"},"recipient":{"id":"682498302938465"},"timestamp":1718000000400,)"
      R"("delivery":{"mids":["m_echo_1"],"watermark":1718000000350}}]}]})";
  const HttpResult res = Deliver(FacebookPost(echo));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "EVENT_RECEIVED");
  const HttpResult standby = Deliver(FacebookPost(Fixture("facebook/standby_only.json")));
  EXPECT_EQ(standby.status, 200);

  EXPECT_TRUE(Snapshot().sessions.empty());
  EXPECT_EQ(MetricValue("routerd_webhook_ignored_total{kind=\"facebook\",reason=\"echo\"}"), 1u);
  EXPECT_EQ(MetricValue("routerd_webhook_ignored_total{kind=\"facebook\",reason=\"delivery\"}"), 1u);
  EXPECT_EQ(MetricValue("routerd_webhook_ignored_total{kind=\"facebook\",reason=\"standby\"}"), 1u);
  EXPECT_EQ(MetricValue("routerd_webhook_contacts_accepted_total{kind=\"facebook\"}"), 0u);
}

TEST_F(FacebookWebhookTest, WrongOrMissingSignatureIsRefused401) {
  const std::string body = Fixture("facebook/text_message.json");
  const HttpResult wrong = Deliver(FacebookPost(body, "not-the-app-secret"));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body, R"({"error":"bad_signature","detail":"the body signature does not match"})");

  const HttpResult missing =
      Send("POST", WebhookPath("facebook", kFacebookChannel), body, {{"Content-Type", "application/json"}});
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.body, R"({"error":"bad_signature","detail":"missing X-Hub-Signature-256"})");
  EXPECT_TRUE(Snapshot().sessions.empty());
}

TEST_F(FacebookWebhookTest, MalformedBodyIsRefused400) {
  // Valid JSON and signature, but not a page subscription.
  const HttpResult res = Deliver(FacebookPost(R"({"object":"instagram","entry":[]})"));
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.body, R"({"error":"malformed","detail":"field 'object' must be \"page\""})");
  const HttpResult truncated = Deliver(FacebookPost(R"({"object":"page","entry":[{)"));
  EXPECT_EQ(truncated.status, 400);
  EXPECT_TRUE(truncated.body.starts_with(R"({"error":"malformed","detail":")")) << truncated.body;
  EXPECT_TRUE(Snapshot().sessions.empty());
}

TEST_F(FacebookWebhookTest, HubVerificationEchoesTheChallengeOnlyForTheRightToken) {
  const HttpResult ok = Send("GET", WebhookPath("facebook", kFacebookChannel,
                                                "hub.mode=subscribe&hub.challenge=CHALLENGE_ACCEPTED"
                                                "&hub.verify_token=fb-test-verify-token"));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "CHALLENGE_ACCEPTED");

  const HttpResult wrong = Send("GET", WebhookPath("facebook", kFacebookChannel,
                                                   "hub.mode=subscribe&hub.challenge=1&hub.verify_token=wa-test-"
                                                   "verify-token"));
  EXPECT_EQ(wrong.status, 403);
}

}  // namespace
}  // namespace routerd::integration
