#include "email/email_payload.h"

#include <gtest/gtest.h>

#include "email_test_util.h"

namespace routerd::adapters::email {
namespace {

using testing::kUrlEncoded;

using testing::MultipartContentType;
using testing::ReadFixture;
using testing::UrlEncode;


TEST(MailgunPayloadTest, UrlEncodedWithMessageIdField) {
  auto contact = ParseMailgunPayload(kUrlEncoded, ReadFixture("email/urlencoded_text.txt"));
  ASSERT_TRUE(contact.ok()) << contact.status().ToString();
  EXPECT_EQ(contact->customer_id, "alice@example.com");
  EXPECT_EQ(contact->display_name, "Alice Example");
  EXPECT_EQ(contact->provider_message_id, "CAKx8=Lq1cM3pYwZ@mail.example.com");
  EXPECT_EQ(contact->text, "Order #4417 has not arrived\n\nHi,\r\n\r\nmy order #4417 has not arrived yet. Can you check?");
  EXPECT_EQ(contact->sent_at_ms, 1403645220000);
  EXPECT_TRUE(contact->attachments.empty());
  EXPECT_EQ(contact->tenant_id, "");
}

TEST(MailgunPayloadTest, MultipartWithAttachmentsAndHeaderMessageId) {
  const std::string body = ReadFixture("email/multipart_attachments.txt");
  auto contact = ParseMailgunPayload(MultipartContentType(body), body);
  ASSERT_TRUE(contact.ok()) << contact.status().ToString();
  EXPECT_EQ(contact->customer_id, "dana.lee@example.com");
  EXPECT_EQ(contact->display_name, "Dana Lee");
  EXPECT_EQ(contact->provider_message_id, "20240425101500.ABC123@mx.example.com");
  EXPECT_EQ(contact->text, "Broken screen photo\n\nHello, the screen arrived cracked \xE2\x80\x94 photo and receipt attached.");
  EXPECT_EQ(contact->sent_at_ms, 1714037200000);
  ASSERT_EQ(contact->attachments.size(), 2u);
  const AttachmentRef& png = contact->attachments[0];
  EXPECT_EQ(png.type, "file");
  EXPECT_EQ(png.reference, "attachment-1");
  EXPECT_EQ(png.mime, "image/png");
  EXPECT_EQ(png.size_bytes, 83u);
  EXPECT_EQ(png.name, "screen.png");
  const AttachmentRef& txt = contact->attachments[1];
  EXPECT_EQ(txt.reference, "attachment-2");
  EXPECT_EQ(txt.mime, "text/plain");
  EXPECT_EQ(txt.size_bytes, 34u);
  EXPECT_EQ(txt.name, "receipt.txt");
}

TEST(MailgunPayloadTest, FallbackIdWithoutMessageId) {
  auto contact = ParseMailgunPayload(kUrlEncoded, ReadFixture("email/urlencoded_no_message_id.txt"));
  ASSERT_TRUE(contact.ok()) << contact.status().ToString();
  EXPECT_EQ(contact->customer_id, "bob@example.org");
  EXPECT_EQ(contact->display_name, "Bob \"The Builder\" M\xC3\xBCller");
  // sha256("bob@example.org" + "1714037059" + token), computed independently.
  EXPECT_EQ(contact->provider_message_id, "b0b8ff4a875a476e0433f37a4843d90325bd2de72604811a65a264b99a07715e");
  EXPECT_EQ(contact->text, "Quick question about invoices: where do I find them?");  // empty subject: no prefix
}

TEST(MailgunPayloadTest, RawMimeRoutesAreRefusedByName) {
  auto contact = ParseMailgunPayload(kUrlEncoded, ReadFixture("email/urlencoded_body_mime.txt"));
  ASSERT_FALSE(contact.ok());
  EXPECT_EQ(contact.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(contact.status().message().rfind("email: field 'body-mime' is not supported", 0), 0u)
      << contact.status().message();
}

TEST(MailgunPayloadTest, FieldChoices) {
  // stripped-text that is only whitespace falls back to body-plain; sender is used without from.
  auto contact = ParseMailgunPayload(
      kUrlEncoded, UrlEncode({{"sender", "X@Example.com"}, {"stripped-text", " \r\n"}, {"body-plain", "full body"},
                              {"subject", "  Hi  "}, {"timestamp", "1700000000"}, {"token", "t"},
                              {"message-headers", "[[\"X-A\",\"1\"],[\"message-id\",\" <abc@x> \"]]"}}));
  ASSERT_TRUE(contact.ok()) << contact.status().ToString();
  EXPECT_EQ(contact->customer_id, "x@example.com");
  EXPECT_EQ(contact->display_name, "");
  EXPECT_EQ(contact->text, "Hi\n\nfull body");
  EXPECT_EQ(contact->provider_message_id, "abc@x");
}

// Mailgun gives parameterized headers as structured values; they are skipped,
// and the Message-Id is still found among the rest (or the fallback id used).
TEST(MailgunPayloadTest, MessageHeadersWithStructuredValuesAreTolerated) {
  const std::string headers =
      R"([["Content-Type",["multipart/alternative",{"boundary":"b1"}]],["X-Count",5],[7,"seven"],)"
      R"(["Mime-Version","1.0"],["Message-Id","<m7@mail.example.com>"]])";
  auto contact = ParseMailgunPayload(kUrlEncoded, UrlEncode({{"from", "a@b.c"}, {"body-plain", "b"},
                                                             {"timestamp", "1700000000"}, {"token", "t"},
                                                             {"message-headers", headers}}));
  ASSERT_TRUE(contact.ok()) << contact.status().ToString();
  EXPECT_EQ(contact->provider_message_id, "m7@mail.example.com");

  const std::string without_id = R"([["Content-Type",["text/plain",{"charset":"utf-8"}]],["Message-Id",5]])";
  auto fallback = ParseMailgunPayload(kUrlEncoded, UrlEncode({{"from", "a@b.c"}, {"body-plain", "b"},
                                                              {"timestamp", "1700000000"}, {"token", "t"},
                                                              {"message-headers", without_id}}));
  ASSERT_TRUE(fallback.ok()) << fallback.status().ToString();
  EXPECT_EQ(fallback->provider_message_id.size(), 64u) << "the fallback id: hex SHA-256";
}

TEST(MailgunPayloadTest, RejectsMissingAndWrongFields) {
  struct Case {
    std::vector<std::pair<std::string, std::string>> fields;
    const char* message;
  };
  const Case cases[] = {
      {{{"body-plain", "b"}, {"timestamp", "1"}}, "email: field 'from' (or 'sender') is required"},
      {{{"from", "not an address"}, {"body-plain", "b"}, {"timestamp", "1"}},
       "email: field 'from' holds no valid email address"},
      {{{"from", "a@b.c"}, {"body-plain", "b"}}, "email: field 'timestamp' is required"},
      {{{"from", "a@b.c"}, {"body-plain", "b"}, {"timestamp", "soon"}},
       "email: field 'timestamp' must be decimal seconds"},
      {{{"from", "a@b.c"}, {"timestamp", "1"}}, "email: field 'body-plain' is required"},
      {{{"from", "a@b.c"}, {"body-plain", "\xC3\x28"}, {"timestamp", "1"}},
       "email: field 'body-plain' is not valid UTF-8"},
      {{{"from", "a@b.c"}, {"stripped-text", "\xE2\x82"}, {"body-plain", "b"}, {"timestamp", "1"}},
       "email: field 'stripped-text' is not valid UTF-8"},
      {{{"from", "a@b.c"}, {"body-plain", "b"}, {"subject", "\xC0\xAF"}, {"timestamp", "1"}},
       "email: field 'subject' is not valid UTF-8"},
      {{{"from", "\xFF <a@b.c>"}, {"body-plain", "b"}, {"timestamp", "1"}}, "email: field 'from' is not valid UTF-8"},
      {{{"from", "a@b.c"}, {"body-plain", "b"}, {"timestamp", "1"}, {"message-headers", "[[\"Message-Id\""}},
       "email: field 'message-headers' is not valid JSON"},
      {{{"from", "a@b.c"}, {"body-plain", "b"}, {"timestamp", "1"}, {"message-headers", "{\"Message-Id\":\"x\"}"}},
       "email: field 'message-headers' must be a JSON list of [name, value] pairs"},
      {{{"from", "a@b.c"}, {"body-plain", "b"}, {"timestamp", "1"}, {"message-headers", "[[\"Message-Id\"]]"}},
       "email: field 'message-headers' must be a JSON list of [name, value] pairs"},
  };
  for (const Case& c : cases) {
    auto contact = ParseMailgunPayload(kUrlEncoded, UrlEncode(c.fields));
    ASSERT_FALSE(contact.ok()) << c.message;
    EXPECT_EQ(contact.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(contact.status().message(), c.message);
  }
}

TEST(MailgunPayloadTest, RejectsMalformedBodies) {
  EXPECT_EQ(ParseMailgunPayload(kUrlEncoded, "from=a%ZZ").status().message(), "email: form: malformed percent escape");
  const std::string multipart = ReadFixture("email/multipart_attachments.txt");
  const std::string content_type = MultipartContentType(multipart);
  EXPECT_FALSE(ParseMailgunPayload(content_type, multipart.substr(0, multipart.size() - 10)).ok());
  EXPECT_FALSE(ParseMailgunPayload("multipart/form-data", multipart).ok());  // no boundary
  EXPECT_FALSE(ParseMailgunPayload("multipart/form-data; boundary=other", multipart).ok());
  EXPECT_FALSE(ParseMailgunPayload("application/json", "{}").ok());
}

TEST(MailgunFormTest, KeepsDuplicatesAndViewsSurviveMoves) {
  auto form = DecodeMailgunForm(kUrlEncoded, "a=1&b=two+words&a=3");
  ASSERT_TRUE(form.ok());
  MailgunForm moved = std::move(*form);
  EXPECT_EQ(moved.Count("a"), 2u);
  EXPECT_EQ(moved.Get("a"), "1");
  EXPECT_EQ(moved.Get("b"), "two words");
  EXPECT_EQ(moved.GetIgnoreCase("B"), "two words");
  EXPECT_EQ(moved.Get("B"), std::nullopt);
  EXPECT_EQ(moved.Get("c"), std::nullopt);
  EXPECT_EQ(moved.fields().size(), 3u);
}

}  // namespace
}  // namespace routerd::adapters::email
