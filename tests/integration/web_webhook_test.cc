// Our web widget through the real daemon: timestamped HMAC, messages routed,
// leave messages to the leave-message store, replays and refusals.
#include <gtest/gtest.h>

#include "tests/integration/signing.h"
#include "tests/integration/webhook_test_fixture.h"

namespace routerd::integration {
namespace {

using WebWebhookTest = WebhookIntegrationTest;

TEST_F(WebWebhookTest, MessageOpensASessionAssignedToTheReadyAgent) {
  SignInReady("a1");
  const HttpResult res = Deliver(WebPost(Fixture("web/message.json")));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, R"({"ok":true})");
  EXPECT_EQ(res.Header("Content-Type"), "application/json");

  const RouterSnapshot s = WaitFor(
      [](const RouterSnapshot& r) { return r.sessions.size() == 1 && r.sessions[0].agent == "a1"; },
      "one session assigned to a1");
  ASSERT_EQ(s.sessions.size(), 1u);
  const SessionInfo& session = s.sessions[0];
  EXPECT_EQ(session.channel_id, kWebChannel);
  EXPECT_EQ(session.channel_kind, "web");
  EXPECT_EQ(session.customer_id, "v_6f1c2a");
  EXPECT_EQ(session.display_name, "Ana");
  EXPECT_EQ(session.text, "Hi, I need help with order #1042 \u2014 \u00a1gracias!");
  EXPECT_EQ(session.provider_message_id, "01J9Z3K8Q6V1T7X2M4N5P6R7S8");
  EXPECT_EQ(session.queue_id, "chat");
  EXPECT_EQ(session.messages, 1u);
}

TEST_F(WebWebhookTest, RetriedEventIsAnswered200AndAddsNothing) {
  const std::string body = WebEventBody("evt-1", "message", "v-1", "Ana", "hello");
  ASSERT_EQ(Deliver(WebPost(body)).status, 200);
  WaitForMessages(1);

  // The widget backend retries with the same event and a fresh timestamp.
  const HttpResult again = Deliver(WebPost(body, NowUnixSeconds() - 1));
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, R"({"ok":true})");
  RouterSnapshot s = Snapshot();
  ASSERT_EQ(s.sessions.size(), 1u);
  EXPECT_EQ(s.sessions[0].messages, 1u);

  ASSERT_EQ(Deliver(WebPost(WebEventBody("evt-2", "message", "v-1", "Ana", "still here"))).status, 200);
  s = WaitForMessages(2);
  ASSERT_EQ(s.sessions.size(), 1u);
  EXPECT_EQ(s.sessions[0].messages, 2u);
  EXPECT_EQ(MetricValue("routerd_webhook_duplicates_total{kind=\"web\"}"), 1u);
}

TEST_F(WebWebhookTest, LeaveMessageGoesToTheLeaveMessageStoreNotTheRouter) {
  const ProviderRequest delivery = WebPost(Fixture("web/leave_message.json"));
  const HttpResult res = Deliver(delivery);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, R"({"ok":true})");

  // Sync durability: the 2xx came after the commit that holds the message.
  auto page = daemon().leave_messages().Query(std::string(kTenant), leave::LeaveQuery{});
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->items.size(), 1u);
  auto m = daemon().leave_messages().Get(std::string(kTenant), page->items[0].id);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->tenant_id, kTenant);
  EXPECT_EQ(m->channel_kind, "web");
  EXPECT_EQ(m->channel_id, kWebChannel);
  EXPECT_EQ(m->customer_id, "v_77aa01");
  EXPECT_EQ(m->display_name, "Kenji Tanaka");
  EXPECT_EQ(m->skill_queue, "chat");
  EXPECT_EQ(m->reason, "customer");
  EXPECT_EQ(m->status, leave::LeaveStatus::kToBeAllocated);
  ASSERT_EQ(m->parts.size(), 1u);
  EXPECT_EQ(m->parts[0].text, "Please call me back tomorrow morning.");
  EXPECT_EQ(m->parts[0].provider_message_id, "01J9Z3M2B7C8D9E0F1G2H3J4K5");
  EXPECT_EQ(m->parts[0].sent_at_ms, 1718000100456);
  EXPECT_TRUE(Snapshot().sessions.empty());

  // A retry of the same event is not a second leave message.
  EXPECT_EQ(Deliver(delivery).status, 200);
  auto again = daemon().leave_messages().Query(std::string(kTenant), leave::LeaveQuery{});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->total, 1u);
  EXPECT_EQ(MetricValue("routerd_webhook_leave_messages_total{kind=\"web\"}"), 1u);
  EXPECT_EQ(MetricValue("routerd_webhook_duplicates_total{kind=\"web\"}"), 1u);
  EXPECT_EQ(MetricValue("routerd_webhook_contacts_accepted_total{kind=\"web\"}"), 0u);
}

TEST_F(WebWebhookTest, EventsThatAreNotMessagesRouteNothing) {
  const HttpResult res = Deliver(WebPost(Fixture("web/unknown_type.json")));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, R"({"ok":true})");
  EXPECT_TRUE(Snapshot().sessions.empty());
  EXPECT_EQ(MetricValue("routerd_webhook_ignored_total{kind=\"web\",reason=\"unknown_event\"}"), 1u);
}

TEST_F(WebWebhookTest, WrongSignatureIsRefused401) {
  const std::string body = WebEventBody("evt-1", "message", "v-1", "Ana", "hello");
  const HttpResult wrong = Deliver(WebPost(body, 0, "not-the-secret"));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body,
            R"({"error":"bad_signature","detail":"X-Routerd-Signature does not match the timestamp and body"})");

  // The signature binds the timestamp: the same signature under another one fails.
  ProviderRequest shifted = WebPost(body);
  shifted.headers[1].second = std::to_string(NowUnixSeconds() + 2);
  EXPECT_EQ(Deliver(shifted).status, 401);
  EXPECT_TRUE(Snapshot().sessions.empty());
}

TEST_F(WebWebhookTest, StaleTimestampIsRefusedAsAReplay) {
  const HttpResult res =
      Deliver(WebPost(WebEventBody("evt-1", "message", "v-1", "Ana", "hello"), NowUnixSeconds() - 310));
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(res.body, R"({"error":"replay","detail":"X-Routerd-Timestamp is outside the allowed window"})");
  EXPECT_TRUE(Snapshot().sessions.empty());
  EXPECT_EQ(MetricValue("routerd_webhook_rejections_total{kind=\"web\",reason=\"replay\"}"), 1u);
}

TEST_F(WebWebhookTest, MalformedEventIsRefused400) {
  const HttpResult res = Deliver(WebPost(R"({"event_id":"","type":"message"})"));
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.body, R"({"error":"malformed","detail":"field 'event_id' must not be empty"})");
  EXPECT_TRUE(Snapshot().sessions.empty());
}

}  // namespace
}  // namespace routerd::integration
