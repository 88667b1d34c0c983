// X Account Activity API through the real daemon: signed DM deliveries,
// batches, the subscribed account's own DMs, refusals and the CRC handshake.
#include <gtest/gtest.h>

#include "tests/integration/signing.h"
#include "tests/integration/webhook_test_fixture.h"

namespace routerd::integration {
namespace {

using XWebhookTest = WebhookIntegrationTest;

TEST_F(XWebhookTest, DirectMessageOpensASessionAssignedToTheReadyAgent) {
  SignInReady("a1");
  const HttpResult res = Deliver(XPost(Fixture("x/numeric_for_user_id.json")));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "{}");
  EXPECT_EQ(res.Header("Content-Type"), "application/json");

  const RouterSnapshot s = WaitFor(
      [](const RouterSnapshot& r) { return r.sessions.size() == 1 && r.sessions[0].agent == "a1"; },
      "one session assigned to a1");
  ASSERT_EQ(s.sessions.size(), 1u);
  const SessionInfo& session = s.sessions[0];
  EXPECT_EQ(session.channel_id, kXChannel);
  EXPECT_EQ(session.channel_kind, "x");
  EXPECT_EQ(session.customer_id, "2244994945");
  EXPECT_EQ(session.display_name, "Customer Two");
  EXPECT_EQ(session.text, "order #42?");
  EXPECT_EQ(session.provider_message_id, "1100000000000000001");
  EXPECT_EQ(session.queue_id, "chat");
  EXPECT_EQ(session.messages, 1u);
}

TEST_F(XWebhookTest, RedeliveryIsAnswered200AndAddsNothing) {
  const ProviderRequest delivery = XPost(XDmBody({{"777", "Sam", "9001", "hello"}}));
  ASSERT_EQ(Deliver(delivery).status, 200);
  WaitForMessages(1);

  const HttpResult again = Deliver(delivery);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, "{}");
  RouterSnapshot s = Snapshot();
  ASSERT_EQ(s.sessions.size(), 1u);
  EXPECT_EQ(s.sessions[0].messages, 1u);

  ASSERT_EQ(Deliver(XPost(XDmBody({{"777", "Sam", "9002", "anyone?"}}))).status, 200);
  s = WaitForMessages(2);
  ASSERT_EQ(s.sessions.size(), 1u);
  EXPECT_EQ(s.sessions[0].messages, 2u);
  EXPECT_EQ(MetricValue("routerd_webhook_duplicates_total{kind=\"x\"}"), 1u);
}

TEST_F(XWebhookTest, BatchOpensOneSessionPerSender) {
  const HttpResult res = Deliver(XPost(XDmBody({
      {"111", "Ann", "5001", "ann-1"},
      {"222", "Ben", "5002", "ben-1"},
      {"111", "Ann", "5003", "ann-2"},
      {"333", "Cal", "5004", "cal-1"},
  })));
  EXPECT_EQ(res.status, 200);

  const RouterSnapshot s = WaitForMessages(4);
  ASSERT_EQ(s.sessions.size(), 3u);
  const SessionInfo* ann = s.Find(kXChannel, "111");
  const SessionInfo* ben = s.Find(kXChannel, "222");
  const SessionInfo* cal = s.Find(kXChannel, "333");
  ASSERT_NE(ann, nullptr);
  ASSERT_NE(ben, nullptr);
  ASSERT_NE(cal, nullptr);
  EXPECT_EQ(ann->messages, 2u);
  EXPECT_EQ(ann->display_name, "Ann");
  EXPECT_EQ(ann->text, "ann-1");
  EXPECT_EQ(ben->messages, 1u);
  EXPECT_EQ(ben->display_name, "Ben");
  EXPECT_EQ(cal->messages, 1u);
  EXPECT_EQ(cal->text, "cal-1");
}

TEST_F(XWebhookTest, OwnAccountDirectMessagesAndOtherEventsRouteNothing) {
  // The subscribed account's own DM (sender_id == for_user_id).
  const HttpResult own = Deliver(XPost(XDmBody({{std::string(kXOwnAccount), "Us", "6001", "we replied"}})));
  EXPECT_EQ(own.status, 200);
  EXPECT_EQ(own.body, "{}");
  const HttpResult other = Deliver(XPost(Fixture("x/other_events.json")));
  EXPECT_EQ(other.status, 200);

  EXPECT_TRUE(Snapshot().sessions.empty());
  EXPECT_EQ(MetricValue("routerd_webhook_ignored_total{kind=\"x\",reason=\"own_account_event\"}"), 1u);
  EXPECT_EQ(MetricValue("routerd_webhook_ignored_total{kind=\"x\",reason=\"read\"}"), 2u);
  EXPECT_EQ(MetricValue("routerd_webhook_contacts_accepted_total{kind=\"x\"}"), 0u);
}

TEST_F(XWebhookTest, WrongOrMissingSignatureIsRefused401) {
  const std::string body = XDmBody({{"777", "Sam", "9001", "hello"}});
  const HttpResult wrong = Deliver(XPost(body, "not-the-consumer-secret"));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body, R"({"error":"bad_signature","detail":"x-twitter-webhooks-signature does not match the body"})");

  const HttpResult missing = Send("POST", WebhookPath("x", kXChannel), body, {{"Content-Type", "application/json"}});
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.body, R"({"error":"bad_signature","detail":"missing x-twitter-webhooks-signature"})");
  EXPECT_TRUE(Snapshot().sessions.empty());
}

TEST_F(XWebhookTest, MalformedBodyIsRefused400) {
  const HttpResult res = Deliver(XPost(R"({"for_user_id":"4337869213","direct_message_events":[{"type":)"));
  EXPECT_EQ(res.status, 400);
  EXPECT_TRUE(res.body.starts_with(R"({"error":"malformed","detail":")")) << res.body;
  EXPECT_TRUE(Snapshot().sessions.empty());
}

// The attack: the CRC answer is HMAC(consumer_secret, crc_token), which is
// the x-twitter-webhooks-signature of a delivery whose body is crc_token. So
// ask for the CRC of a forged delivery and post it with the answer.
TEST_F(XWebhookTest, ACrcAnswerCannotBeUsedToSignAForgedDelivery) {
  SignInReady("a1");
  const std::string forged = XDmBody({{"666", "Mallory", "6666", "your account is locked, log in at evil.test"}});
  const HttpResult crc = Send("GET", WebhookPath("x", kXChannel, "crc_token=" + UrlEncode(forged)));
  EXPECT_EQ(crc.status, 400);
  EXPECT_EQ(crc.body.find("response_token"), std::string::npos) << crc.body;

  // Whatever came back is used as the signature.
  std::string signature;
  constexpr std::string_view kField = "\"response_token\":\"";
  if (const std::size_t at = crc.body.find(kField); at != std::string::npos) {
    const std::size_t start = at + kField.size();
    signature = crc.body.substr(start, crc.body.find('"', start) - start);
  }
  const HttpResult post = Send("POST", WebhookPath("x", kXChannel), forged,
                               {{"Content-Type", "application/json"}, {"x-twitter-webhooks-signature", signature}});
  EXPECT_EQ(post.status, 401) << post.body;
  EXPECT_TRUE(Snapshot().sessions.empty());
  EXPECT_EQ(MetricValue("routerd_webhook_contacts_accepted_total{kind=\"x\"}"), 0u);
}

TEST_F(XWebhookTest, CrcHandshakeAnswersWithTheHmacOfTheToken) {
  const HttpResult res = Send("GET", WebhookPath("x", kXChannel, "crc_token=challenge-123&nonce=abc"));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.Header("Content-Type"), "application/json");
  EXPECT_EQ(res.body, "{\"response_token\":\"" + XSignature(kXConsumerSecret, "challenge-123") + "\"}");

  const HttpResult no_token = Send("GET", WebhookPath("x", kXChannel));
  EXPECT_EQ(no_token.status, 400);
}

}  // namespace
}  // namespace routerd::integration
