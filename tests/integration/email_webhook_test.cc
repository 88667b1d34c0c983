// Email (Mailgun route forward) through the real daemon: signed form posts,
// Message-Id deduplication across Mailgun retries, 406 refusals.
#include <gtest/gtest.h>

#include "tests/integration/signing.h"
#include "tests/integration/webhook_test_fixture.h"

namespace routerd::integration {
namespace {

using EmailWebhookTest = WebhookIntegrationTest;

const FormFields kAliceEmail =
    EmailFields("Alice Example <Alice@Example.COM>", "Order 4417", "Where is my order?\r\n", "<m1@mail.example.com>");

TEST_F(EmailWebhookTest, EmailOpensASessionInItsQueueAssignedToTheReadyAgent) {
  SignInReady("a1");
  const HttpResult res = Deliver(EmailPost(kAliceEmail, "5egbgr1vjgqxtrnp65xfznchgdccwh5d6i09vijqi3whgowmn6"));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "OK");
  EXPECT_EQ(res.Header("Content-Type"), "text/plain");

  const RouterSnapshot s = WaitFor(
      [](const RouterSnapshot& r) { return r.sessions.size() == 1 && r.sessions[0].agent == "a1"; },
      "one session assigned to a1");
  ASSERT_EQ(s.sessions.size(), 1u);
  const SessionInfo& session = s.sessions[0];
  EXPECT_EQ(session.channel_id, kEmailChannel);
  EXPECT_EQ(session.channel_kind, "email");
  EXPECT_EQ(session.customer_id, "alice@example.com");
  EXPECT_EQ(session.display_name, "Alice Example");
  EXPECT_EQ(session.text, "Order 4417\n\nWhere is my order?");
  EXPECT_EQ(session.provider_message_id, "m1@mail.example.com");
  EXPECT_EQ(session.queue_id, "mail");
  EXPECT_EQ(session.messages, 1u);
}

TEST_F(EmailWebhookTest, RedeliveryAndMailgunRetryAreAnswered200AndAddNothing) {
  const ProviderRequest delivery = EmailPost(kAliceEmail, "token-0000000000000000000000000000000000000000000001");
  ASSERT_EQ(Deliver(delivery).status, 200);
  WaitForMessages(1);

  const HttpResult again = Deliver(delivery);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, "OK");
  // The same email under a new token (a redelivery from the sender's side,
  // not a Mailgun retry, which repeats the token): the Message-Id stays.
  const HttpResult retry = Deliver(EmailPost(kAliceEmail, "token-0000000000000000000000000000000000000000000002"));
  EXPECT_EQ(retry.status, 200);
  RouterSnapshot s = Snapshot();
  ASSERT_EQ(s.sessions.size(), 1u);
  EXPECT_EQ(s.sessions[0].messages, 1u);

  const FormFields reply =
      EmailFields("alice@example.com", "Re: Order 4417", "Any news?", "<m2@mail.example.com>");
  ASSERT_EQ(Deliver(EmailPost(reply, "token-0000000000000000000000000000000000000000000003")).status, 200);
  s = WaitForMessages(2);
  ASSERT_EQ(s.sessions.size(), 1u);
  EXPECT_EQ(s.sessions[0].messages, 2u);
  EXPECT_EQ(MetricValue("routerd_webhook_duplicates_total{kind=\"email\"}"), 2u);
}

TEST_F(EmailWebhookTest, WrongSignatureIsRefused406SoMailgunDoesNotRetry) {
  const HttpResult res = Deliver(EmailPost(kAliceEmail, "token-1", 0, "not-the-signing-key"));
  EXPECT_EQ(res.status, 406);
  EXPECT_EQ(res.Header("Content-Type"), "application/json");
  EXPECT_EQ(res.body, R"({"error":"bad_signature","detail":"signature does not match"})");

  ProviderRequest unsigned_post = EmailPost(kAliceEmail, "token-1");
  unsigned_post.body = unsigned_post.body.substr(0, unsigned_post.body.find("&signature="));
  const HttpResult missing = Deliver(unsigned_post);
  EXPECT_EQ(missing.status, 406);
  EXPECT_TRUE(Snapshot().sessions.empty());
  EXPECT_EQ(MetricValue("routerd_webhook_rejections_total{kind=\"email\",reason=\"bad_signature\"}"), 2u);
}

TEST_F(EmailWebhookTest, StaleTimestampIsRefused406AsAReplay) {
  // Past Mailgun's 8 h retry horizon (the window is 8.5 h).
  const HttpResult res = Deliver(EmailPost(kAliceEmail, "token-1", NowUnixSeconds() - 9 * 3600));
  EXPECT_EQ(res.status, 406);
  EXPECT_EQ(res.body, R"({"error":"replay","detail":"timestamp outside the allowed window"})");
  // A signing time far ahead is not a retry either.
  const HttpResult ahead = Deliver(EmailPost(kAliceEmail, "token-2", NowUnixSeconds() + 3600));
  EXPECT_EQ(ahead.status, 406);
  EXPECT_TRUE(Snapshot().sessions.empty());
}

// Mailgun's later retries carry the original signing time: the 4 h retry of
// an email first sent 7 h 55 min ago must still be taken.
TEST_F(EmailWebhookTest, ALateMailgunRetryWithItsOriginalTimestampIsAccepted) {
  const HttpResult res = Deliver(EmailPost(kAliceEmail, "token-late", NowUnixSeconds() - (7 * 3600 + 55 * 60)));
  EXPECT_EQ(res.status, 200) << res.body;
  WaitForMessages(1);
}

// The attack: a captured (timestamp, token, signature) is still fresh, and
// the signature covers only those two, so it signs any email.
TEST_F(EmailWebhookTest, ACapturedSignatureWithAnotherEmailIsRefused406) {
  const std::int64_t timestamp = NowUnixSeconds();
  const std::string token = "token-captured-000000000000000000000000000000000001";
  ASSERT_EQ(Deliver(EmailPost(kAliceEmail, token, timestamp)).status, 200);
  WaitForMessages(1);

  const FormFields forged =
      EmailFields("mallory@example.net", "Refund", "Send the refund to my account", "<forged@example.net>");
  const HttpResult res = Deliver(EmailPost(forged, token, timestamp));
  EXPECT_EQ(res.status, 406);
  EXPECT_EQ(res.body, R"({"error":"replay","detail":"token already used for a different email"})");
  // The identical email again is a retry, answered like the original.
  const HttpResult retry = Deliver(EmailPost(kAliceEmail, token, timestamp));
  EXPECT_EQ(retry.status, 200);
  const RouterSnapshot s = Snapshot();
  ASSERT_EQ(s.sessions.size(), 1u);
  EXPECT_EQ(s.sessions[0].customer_id, "alice@example.com");
  EXPECT_EQ(s.sessions[0].messages, 1u);
  EXPECT_EQ(MetricValue("routerd_webhook_rejections_total{kind=\"email\",reason=\"replay\"}"), 1u);
}

// Mailgun posts parameterized headers as structured values; with no
// Message-Id field the id is looked for among them, and the rest skipped.
TEST_F(EmailWebhookTest, StructuredMessageHeadersDoNotRefuseTheEmail) {
  FormFields fields = EmailFields("Bob <bob@example.org>", "Hello", "Is anyone there?", "");
  std::erase_if(fields, [](const auto& f) { return f.first == "Message-Id"; });
  fields.emplace_back("message-headers",
                      R"([["Content-Type",["multipart/alternative",{"boundary":"00000000000063a1"}]],)"
                      R"(["X-Mailgun-Incoming","Yes"],["Message-Id","<m9@mail.example.org>"]])");
  const HttpResult res = Deliver(EmailPost(fields, "token-structured-headers"));
  EXPECT_EQ(res.status, 200) << res.body;
  const RouterSnapshot s = WaitForMessages(1);
  ASSERT_EQ(s.sessions.size(), 1u);
  EXPECT_EQ(s.sessions[0].provider_message_id, "m9@mail.example.org");
  EXPECT_EQ(s.sessions[0].customer_id, "bob@example.org");
}

TEST_F(EmailWebhookTest, MalformedFormIsRefused400) {
  const FormFields no_sender = {{"recipient", "support@help.acme.test"}, {"body-plain", "hi"}};
  const HttpResult res = Deliver(EmailPost(no_sender, "token-1"));
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.body, R"({"error":"malformed","detail":"email: field 'from' (or 'sender') is required"})");

  ProviderRequest as_json = EmailPost(kAliceEmail, "token-2");
  as_json.headers = {{"Content-Type", "application/json"}};
  EXPECT_EQ(Deliver(as_json).status, 415);
  EXPECT_TRUE(Snapshot().sessions.empty());
}

}  // namespace
}  // namespace routerd::integration
