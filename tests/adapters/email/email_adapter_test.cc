#include "email/email_adapter.h"

#include <gtest/gtest.h>

#include "email/email_payload.h"
#include "email/email_signature.h"
#include "email_test_util.h"

namespace routerd::adapters::email {
namespace {

using testing::kUrlEncoded;

using testing::kSigningKey;
using testing::MultipartContentType;
using testing::ReadFixture;
using testing::ReplaceField;
using testing::UrlEncode;


ChannelIdentity Identity() { return ChannelIdentity{"acme", "support-mail", "email"}; }

ChannelAdapterPtr MustCreate(std::optional<std::int64_t> tolerance = std::nullopt,
                             std::string key = std::string(kSigningKey)) {
  ChannelOptions options("routerd.toml", 20, "tenants[0].channels[1] 'support-mail'");
  options.Set("signing_key", key, 21);
  if (tolerance) options.Set("timestamp_tolerance_seconds", *tolerance, 22);
  auto adapter = MakeEmailAdapterFactory()->Create(Identity(), options);
  EXPECT_TRUE(adapter.ok()) << adapter.status().ToString();
  EXPECT_TRUE(options.UnreadKeys().empty());
  return adapter.ok() ? *adapter : nullptr;
}

struct Request {
  std::string method = "POST";
  std::string content_type = std::string(kUrlEncoded);
  std::string body;
  std::int64_t now_unix_ms = 0;

  WebhookOutcome SendTo(const ChannelAdapter& adapter) const {
    WebhookRequest request;
    request.method = method;
    request.content_type = content_type;
    request.body = body;
    request.now_unix_ms = now_unix_ms;
    return adapter.Handle(request);
  }
};

Request UrlEncodedFixture() {
  return Request{"POST", std::string(kUrlEncoded), ReadFixture("email/urlencoded_text.txt"), 1403645220000};
}

Request MultipartFixture() {
  Request r;
  r.body = ReadFixture("email/multipart_attachments.txt");
  r.content_type = MultipartContentType(r.body);
  r.now_unix_ms = 1714037200000;
  return r;
}

// A freshly signed urlencoded post with the given extra fields, with a token
// of its own unless one is given (the adapter refuses a used token with
// other content).
Request Signed(std::vector<std::pair<std::string, std::string>> fields, std::string timestamp = "1700000000",
               std::string token = {}) {
  static int next_token = 0;
  if (token.empty()) token = "tok-0123456789abcdef0123456789abcdef-" + std::to_string(++next_token);
  fields.emplace_back("timestamp", timestamp);
  fields.emplace_back("token", token);
  fields.emplace_back("signature", MailgunSignature(kSigningKey, timestamp, token));
  return Request{"POST", std::string(kUrlEncoded), UrlEncode(fields), 1700000000000};
}

void ExpectRejected(const WebhookOutcome& outcome, int status, WebhookRejection why, std::string_view error) {
  EXPECT_EQ(outcome.response.status, status) << outcome.response.body;
  EXPECT_EQ(outcome.rejection, why);
  EXPECT_EQ(outcome.response.content_type, "application/json");
  EXPECT_NE(outcome.response.body.find("\"error\":\"" + std::string(error) + "\""), std::string::npos)
      << outcome.response.body;
  EXPECT_TRUE(outcome.contacts.empty());
}

void ExpectAccepted(const WebhookOutcome& outcome) {
  EXPECT_EQ(outcome.response.status, 200) << outcome.response.body;
  EXPECT_EQ(outcome.rejection, WebhookRejection::kNone);
  EXPECT_EQ(outcome.response.body, "OK");
  EXPECT_EQ(outcome.contacts.size(), 1u);
  EXPECT_TRUE(outcome.ignored.empty());
}

TEST(EmailFactoryTest, KindAndConfiguration) {
  EXPECT_EQ(MakeEmailAdapterFactory()->Kind(), "email");
  ChannelOptions missing("routerd.toml", 20, "ch");
  auto no_key = MakeEmailAdapterFactory()->Create(Identity(), missing);
  ASSERT_FALSE(no_key.ok());
  EXPECT_NE(no_key.status().message().find("signing_key"), std::string::npos);

  ChannelOptions negative("routerd.toml", 20, "ch");
  negative.Set("signing_key", std::string("k"), 21);
  negative.Set("timestamp_tolerance_seconds", std::int64_t{-5}, 22);
  auto bad = MakeEmailAdapterFactory()->Create(Identity(), negative);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "routerd.toml:22: ch: timestamp_tolerance_seconds: must be >= 0 (0 disables the check)");

  ChannelOptions wrong_type("routerd.toml", 20, "ch");
  wrong_type.Set("signing_key", std::string("k"), 21);
  wrong_type.Set("timestamp_tolerance_seconds", std::string("300"), 22);
  EXPECT_FALSE(MakeEmailAdapterFactory()->Create(Identity(), wrong_type).ok());
}

TEST(EmailAdapterTest, UrlEncodedFixtureWithThePublishedSignature) {
  WebhookOutcome outcome = UrlEncodedFixture().SendTo(*MustCreate());
  ExpectAccepted(outcome);
  const Contact& c = outcome.contacts[0];
  EXPECT_EQ(c.tenant_id, "acme");
  EXPECT_EQ(c.channel_kind, "email");
  EXPECT_EQ(c.channel_id, "support-mail");
  EXPECT_EQ(c.customer_id, "alice@example.com");
  EXPECT_EQ(c.display_name, "Alice Example");
  EXPECT_EQ(c.provider_message_id, "CAKx8=Lq1cM3pYwZ@mail.example.com");
  EXPECT_EQ(c.sent_at_ms, 1403645220000);
  EXPECT_EQ(c.received_at_ms, 1403645220000);
  EXPECT_EQ(outcome.response.content_type, "text/plain");
}

TEST(EmailAdapterTest, MultipartFixtureWithAttachments) {
  WebhookOutcome outcome = MultipartFixture().SendTo(*MustCreate());
  ExpectAccepted(outcome);
  const Contact& c = outcome.contacts[0];
  EXPECT_EQ(c.customer_id, "dana.lee@example.com");
  ASSERT_EQ(c.attachments.size(), 2u);
  EXPECT_EQ(c.attachments[0].name, "screen.png");
  EXPECT_EQ(c.attachments[1].size_bytes, 34u);
}

TEST(EmailAdapterTest, NoMessageIdFixture) {
  Request r{"POST", std::string(kUrlEncoded), ReadFixture("email/urlencoded_no_message_id.txt"), 1714037059000};
  WebhookOutcome outcome = r.SendTo(*MustCreate());
  ExpectAccepted(outcome);
  EXPECT_EQ(outcome.contacts[0].provider_message_id,
            "b0b8ff4a875a476e0433f37a4843d90325bd2de72604811a65a264b99a07715e");
}

TEST(EmailAdapterTest, RawMimeIsA400NamingTheField) {
  Request r{"POST", std::string(kUrlEncoded), ReadFixture("email/urlencoded_body_mime.txt"), 1714037100000};
  WebhookOutcome outcome = r.SendTo(*MustCreate());
  ExpectRejected(outcome, 400, WebhookRejection::kMalformed, "malformed");
  EXPECT_NE(outcome.response.body.find("body-mime"), std::string::npos) << outcome.response.body;
}

TEST(EmailAdapterTest, WrongKeyOrTamperedFieldsAre406) {
  ExpectRejected(UrlEncodedFixture().SendTo(*MustCreate(std::nullopt, "key-wrong")), 406,
                 WebhookRejection::kBadSignature, "bad_signature");
  Request tampered = UrlEncodedFixture();
  tampered.body = ReplaceField(tampered.body, "token", "5egbgr1vjgqxtrnp65xfznchgdccwh5d6i09vijqi3whgowmn7");
  ExpectRejected(tampered.SendTo(*MustCreate()), 406, WebhookRejection::kBadSignature, "bad_signature");
  Request bad_sig = UrlEncodedFixture();
  bad_sig.body = ReplaceField(bad_sig.body, "signature", "00");
  ExpectRejected(bad_sig.SendTo(*MustCreate()), 406, WebhookRejection::kBadSignature, "bad_signature");
  // The multipart fixture, signed with the real key, against another key.
  ExpectRejected(MultipartFixture().SendTo(*MustCreate(std::nullopt, "key-other")), 406,
                 WebhookRejection::kBadSignature, "bad_signature");
}

TEST(EmailAdapterTest, MissingOrDuplicatedSignatureFieldsAre406) {
  auto adapter = MustCreate();
  ExpectRejected(Request{"POST", std::string(kUrlEncoded), UrlEncode({{"from", "a@b.c"}, {"body-plain", "x"}}),
                         1700000000000}
                     .SendTo(*adapter),
                 406, WebhookRejection::kBadSignature, "bad_signature");
  Request dup = Signed({{"from", "a@b.c"}, {"body-plain", "x"}});
  ExpectAccepted(dup.SendTo(*adapter));
  dup.body += "&signature=" + MailgunSignature(kSigningKey, "1700000001", "other");
  ExpectRejected(dup.SendTo(*adapter), 406, WebhookRejection::kBadSignature, "bad_signature");
}

TEST(EmailAdapterTest, StaleOrFutureTimestampsAre406) {
  // By default the window follows Mailgun's retries: 8.5 h back, 5 min ahead.
  auto adapter = MustCreate();
  Request r = Signed({{"from", "a@b.c"}, {"body-plain", "x"}});
  r.now_unix_ms = 1700000000000 + 30600 * 1000;
  ExpectAccepted(r.SendTo(*adapter));
  r.now_unix_ms = 1700000000000 + 30601 * 1000;
  ExpectRejected(r.SendTo(*adapter), 406, WebhookRejection::kReplay, "replay");
  r.now_unix_ms = 1700000000000 - 300 * 1000;
  ExpectAccepted(r.SendTo(*adapter));
  r.now_unix_ms = 1700000000000 - 301 * 1000;
  ExpectRejected(r.SendTo(*adapter), 406, WebhookRejection::kReplay, "replay");
  // A configured window; ahead, never more than 5 min.
  auto narrow = MustCreate(60);
  r.now_unix_ms = 1700000000000 + 61 * 1000;
  ExpectRejected(r.SendTo(*narrow), 406, WebhookRejection::kReplay, "replay");
  r.now_unix_ms = 1700000000000 - 60 * 1000;
  ExpectAccepted(r.SendTo(*narrow));
  auto wide = MustCreate(86400);
  r.now_unix_ms = 1700000000000 - 301 * 1000;
  ExpectRejected(r.SendTo(*wide), 406, WebhookRejection::kReplay, "replay");
  // The 2014 fixture is years old: only accepted with the window off.
  Request old = UrlEncodedFixture();
  old.now_unix_ms = 1700000000000;
  ExpectRejected(old.SendTo(*adapter), 406, WebhookRejection::kReplay, "replay");
  ExpectAccepted(old.SendTo(*MustCreate(0)));
  // A signed but non-numeric timestamp can never be fresh.
  Request words = Signed({{"from", "a@b.c"}, {"body-plain", "x"}}, "yesterday");
  ExpectRejected(words.SendTo(*MustCreate(0)), 406, WebhookRejection::kReplay, "replay");
}

// Mailgun signs only timestamp + token: a captured signature would sign any
// email while fresh. Each token delivers one email; the same email again (a
// retry, also of a delivery the daemon answered 503) still passes.
TEST(EmailAdapterTest, AUsedTokenWithOtherContentIs406AndTheSameEmailPasses) {
  auto adapter = MustCreate();
  const std::string token = "tok-captured-0123456789abcdef0123456789abcdef01234";
  Request original = Signed({{"from", "a@b.c"}, {"body-plain", "pay to account 1"}}, "1700000000", token);
  ExpectAccepted(original.SendTo(*adapter));
  ExpectAccepted(original.SendTo(*adapter));  // a retry: the deduplication answers it

  Request forged = Signed({{"from", "a@b.c"}, {"body-plain", "pay to account 2"}}, "1700000000", token);
  WebhookOutcome refused = forged.SendTo(*adapter);
  ExpectRejected(refused, 406, WebhookRejection::kReplay, "replay");
  EXPECT_EQ(refused.response.body, R"({"error":"replay","detail":"token already used for a different email"})");
  // Another field changed is other content too.
  Request extra = Signed({{"from", "a@b.c"}, {"body-plain", "pay to account 1"}, {"subject", "x"}}, "1700000000",
                         token);
  ExpectRejected(extra.SendTo(*adapter), 406, WebhookRejection::kReplay, "replay");
  // The original still passes, and an unrelated token is unaffected.
  ExpectAccepted(original.SendTo(*adapter));
  ExpectAccepted(Signed({{"from", "a@b.c"}, {"body-plain", "pay to account 2"}}).SendTo(*adapter));
  // A new adapter (another channel) has its own tokens.
  ExpectAccepted(forged.SendTo(*MustCreate()));
}

// The same multipart email posted again with another boundary is the same content.
TEST(EmailAdapterTest, AMultipartRetryWithAnotherBoundaryIsARepeat) {
  auto adapter = MustCreate();
  Request first = MultipartFixture();
  ExpectAccepted(first.SendTo(*adapter));
  Request again = first;
  const std::string boundary = first.content_type.substr(first.content_type.find("boundary=") + 9);
  std::string other = boundary;
  other.back() = other.back() == 'Z' ? 'Y' : 'Z';
  for (std::size_t pos = 0; (pos = again.body.find(boundary, pos)) != std::string::npos; pos += other.size()) {
    again.body.replace(pos, boundary.size(), other);
  }
  again.content_type = MultipartContentType(again.body);
  ExpectAccepted(again.SendTo(*adapter));
}

TEST(EmailAdapterTest, ContentTypesAndMethods) {
  auto adapter = MustCreate();
  Request r = UrlEncodedFixture();
  r.content_type = "application/x-www-form-urlencoded; charset=utf-8";
  ExpectAccepted(r.SendTo(*adapter));
  for (const char* ct : {"application/json", "text/plain", "", "multipart/mixed; boundary=x"}) {
    r.content_type = ct;
    ExpectRejected(r.SendTo(*adapter), 415, WebhookRejection::kUnsupportedMedia, "unsupported_media_type");
  }
  for (const char* method : {"GET", "PUT", "DELETE"}) {
    Request m = UrlEncodedFixture();
    m.method = method;
    WebhookOutcome outcome = m.SendTo(*adapter);
    ExpectRejected(outcome, 405, WebhookRejection::kMethod, "method_not_allowed");
    ASSERT_EQ(outcome.response.headers.size(), 1u);
    EXPECT_EQ(outcome.response.headers[0].second, "POST");
  }
}

TEST(EmailAdapterTest, MalformedBodiesAre400) {
  auto adapter = MustCreate();
  Request empty = UrlEncodedFixture();
  empty.body.clear();
  ExpectRejected(empty.SendTo(*adapter), 400, WebhookRejection::kMalformed, "malformed");

  Request bad_escape = UrlEncodedFixture();
  bad_escape.body += "&x=%G0";
  ExpectRejected(bad_escape.SendTo(*adapter), 400, WebhookRejection::kMalformed, "malformed");

  Request truncated = MultipartFixture();
  truncated.body.resize(truncated.body.size() / 2);
  ExpectRejected(truncated.SendTo(*adapter), 400, WebhookRejection::kMalformed, "malformed");

  Request no_boundary = MultipartFixture();
  no_boundary.content_type = "multipart/form-data";
  ExpectRejected(no_boundary.SendTo(*adapter), 400, WebhookRejection::kMalformed, "malformed");

  ExpectRejected(Signed({{"from", "a@b.c"}, {"body-plain", "\xC3\x28"}}).SendTo(*adapter), 400,
                 WebhookRejection::kMalformed, "malformed");
  ExpectRejected(Signed({{"from", "nobody"}, {"body-plain", "x"}}).SendTo(*adapter), 400,
                 WebhookRejection::kMalformed, "malformed");
  ExpectRejected(Signed({{"from", "a@b.c"}, {"body-plain", "x"}, {"message-headers", "not json"}}).SendTo(*adapter),
                 400, WebhookRejection::kMalformed, "malformed");
}

TEST(EmailAdapterTest, OversizedBodyIs413) {
  Request big = UrlEncodedFixture();
  big.body.append(kMaxBodyBytes, 'a');
  ExpectRejected(big.SendTo(*MustCreate()), 413, WebhookRejection::kMalformed, "payload_too_large");
}

}  // namespace
}  // namespace routerd::adapters::email
