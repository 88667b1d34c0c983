// LINE Messaging API through the real daemon: signed deliveries, batches of
// events from several users, the console's empty verify post, refusals.
#include <gtest/gtest.h>

#include "tests/integration/webhook_test_fixture.h"

namespace routerd::integration {
namespace {

using LineWebhookTest = WebhookIntegrationTest;

TEST_F(LineWebhookTest, TextMessageOpensASessionAssignedToTheReadyAgent) {
  SignInReady("a1");
  const HttpResult res = Deliver(LinePost(Fixture("line/sdk_text.json")));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "{}");
  EXPECT_EQ(res.Header("Content-Type"), "application/json");

  const RouterSnapshot s = WaitFor(
      [](const RouterSnapshot& r) { return r.sessions.size() == 1 && r.sessions[0].agent == "a1"; },
      "one session assigned to a1");
  ASSERT_EQ(s.sessions.size(), 1u);
  const SessionInfo& session = s.sessions[0];
  EXPECT_EQ(session.channel_id, kLineChannel);
  EXPECT_EQ(session.channel_kind, "line");
  EXPECT_EQ(session.customer_id, "U206d25c2ea6bd87c17655609a1c37cb8");
  EXPECT_EQ(session.text, "Hello, world");
  EXPECT_EQ(session.provider_message_id, "testwebhookeventid");
  EXPECT_EQ(session.queue_id, "chat");
  EXPECT_EQ(session.messages, 1u);
}

TEST_F(LineWebhookTest, RedeliveryIsAnswered200AndAddsNothing) {
  const ProviderRequest delivery = LinePost(Fixture("line/sdk_text.json"));
  ASSERT_EQ(Deliver(delivery).status, 200);
  WaitForMessages(1);

  const HttpResult again = Deliver(delivery);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, "{}");
  RouterSnapshot s = Snapshot();
  ASSERT_EQ(s.sessions.size(), 1u);
  EXPECT_EQ(s.sessions[0].messages, 1u);

  // LINE's redelivery carries the same webhookEventId in a different body.
  const std::string redelivered = LineTextBody({{"U206d25c2ea6bd87c17655609a1c37cb8", "testwebhookeventid", "x"}});
  ASSERT_EQ(Deliver(LinePost(redelivered)).status, 200);
  ASSERT_EQ(Deliver(LinePost(LineTextBody({{"U206d25c2ea6bd87c17655609a1c37cb8", "01HZNEXT", "more"}}))).status,
            200);
  s = WaitForMessages(2);
  ASSERT_EQ(s.sessions.size(), 1u);
  EXPECT_EQ(s.sessions[0].messages, 2u);
  EXPECT_EQ(MetricValue("routerd_webhook_duplicates_total{kind=\"line\"}"), 2u);
}

TEST_F(LineWebhookTest, BatchOpensOneSessionPerUser) {
  const HttpResult res = Deliver(LinePost(LineTextBody({
      {"Uaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "01HZ0001", "a-1"},
      {"Ubbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "01HZ0002", "b-1"},
      {"Uaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "01HZ0003", "a-2"},
      {"Ucccccccccccccccccccccccccccccccc", "01HZ0004", "c-1"},
  })));
  EXPECT_EQ(res.status, 200);

  const RouterSnapshot s = WaitForMessages(4);
  ASSERT_EQ(s.sessions.size(), 3u);
  const SessionInfo* a = s.Find(kLineChannel, "Uaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  const SessionInfo* b = s.Find(kLineChannel, "Ubbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
  const SessionInfo* c = s.Find(kLineChannel, "Ucccccccccccccccccccccccccccccccc");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(a->messages, 2u);
  EXPECT_EQ(a->text, "a-1");
  EXPECT_EQ(b->messages, 1u);
  EXPECT_EQ(b->text, "b-1");
  EXPECT_EQ(c->messages, 1u);
  EXPECT_EQ(c->text, "c-1");
}

TEST_F(LineWebhookTest, EmptyVerifyPostIsAnswered200AndRoutesNothing) {
  const HttpResult res = Deliver(LinePost(Fixture("line/verify.json")));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "{}");
  EXPECT_TRUE(Snapshot().sessions.empty());
  EXPECT_EQ(MetricValue("routerd_webhook_ignored_total{kind=\"line\",reason=\"verify\"}"), 1u);
}

TEST_F(LineWebhookTest, WrongOrMissingSignatureIsRefused401) {
  const std::string body = Fixture("line/sdk_text.json");
  const HttpResult wrong = Deliver(LinePost(body, "not-the-channel-secret"));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body, R"({"error":"bad_signature","detail":"x-line-signature does not match the body"})");

  const HttpResult missing =
      Send("POST", WebhookPath("line", kLineChannel), body, {{"Content-Type", "application/json"}});
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.body, R"({"error":"bad_signature","detail":"missing x-line-signature"})");
  EXPECT_TRUE(Snapshot().sessions.empty());
}

TEST_F(LineWebhookTest, MalformedBodyIsRefused400) {
  const HttpResult res = Deliver(LinePost(R"({"destination":"U1","events":{}})"));
  EXPECT_EQ(res.status, 400);
  EXPECT_TRUE(res.body.starts_with(R"({"error":"malformed","detail":")")) << res.body;
  EXPECT_TRUE(Snapshot().sessions.empty());
}

TEST_F(LineWebhookTest, GetIsNotAMethodLineUses) {
  const HttpResult res = Send("GET", WebhookPath("line", kLineChannel));
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(res.Header("Allow"), "POST");
}

}  // namespace
}  // namespace routerd::integration
