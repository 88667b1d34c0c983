#include "x/x_payload.h"

#include <gtest/gtest.h>

#include "tests/adapters/common/adapter_test_util.h"

namespace routerd::adapters::x {
namespace {

using testing::ReadFixture;

TEST(XPayloadTest, BatchWithEchoAndAttachment) {
  auto parsed = ParseXPayload(ReadFixture("x", "dm_batch.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->contacts.size(), 2u);
  const Contact& a = parsed->contacts[0];
  EXPECT_EQ(a.customer_id, "3001969357");
  EXPECT_EQ(a.display_name, "Jordan Brinks");
  EXPECT_EQ(a.provider_message_id, "954491830116155396");
  EXPECT_EQ(a.sent_at_ms, 1516403560557);
  EXPECT_EQ(a.text, "Hello World! \xc2\xbf" "D\xc3\xb3nde est\xc3\xa1 mi pedido?");
  EXPECT_TRUE(a.attachments.empty());
  EXPECT_TRUE(a.tenant_id.empty());  // stamped by the adapter, not the parser

  const Contact& b = parsed->contacts[1];
  EXPECT_EQ(b.customer_id, "9876543210");
  EXPECT_EQ(b.display_name, "Ana Garc\xc3\xad" "a");
  EXPECT_EQ(b.provider_message_id, "954491830116155398");
  EXPECT_EQ(b.sent_at_ms, 1516403562123);
  EXPECT_EQ(b.text, "Here is the damaged box https://t.co/abc123");
  ASSERT_EQ(b.attachments.size(), 1u);
  EXPECT_EQ(b.attachments[0].type, "image");
  EXPECT_EQ(b.attachments[0].reference,
            "https://ton.twitter.com/1.1/ton/data/dm/954491830116155398/954491828929200128/box.jpg");
  EXPECT_EQ(b.attachments[0].mime, "");
  EXPECT_FALSE(b.attachments[0].size_bytes.has_value());

  ASSERT_EQ(parsed->ignored.size(), 1u);
  EXPECT_EQ(parsed->ignored[0], "own_account_event");
}

TEST(XPayloadTest, OwnAccountDmIsAnEcho) {
  auto parsed = ParseXPayload(ReadFixture("x", "own_account_dm.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(parsed->contacts.empty());
  ASSERT_EQ(parsed->ignored.size(), 1u);
  EXPECT_EQ(parsed->ignored[0], "own_account_event");
}

TEST(XPayloadTest, NumericForUserId) {
  auto parsed = ParseXPayload(ReadFixture("x", "numeric_for_user_id.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->contacts.size(), 1u);
  EXPECT_EQ(parsed->contacts[0].customer_id, "2244994945");
  EXPECT_EQ(parsed->contacts[0].display_name, "Customer Two");
  EXPECT_EQ(parsed->contacts[0].sent_at_ms, 1700000000123);

  // A numeric for_user_id still recognizes our own DMs.
  auto echo = ParseXPayload(
      R"({"for_user_id":42,"direct_message_events":[{"type":"message_create","id":"1","created_timestamp":"1700000000000",)"
      R"("message_create":{"sender_id":"42","message_data":{"text":"x"}}}]})");
  ASSERT_TRUE(echo.ok()) << echo.status().ToString();
  EXPECT_TRUE(echo->contacts.empty());
  EXPECT_EQ(echo->ignored, std::vector<std::string_view>{"own_account_event"});
}

TEST(XPayloadTest, OtherEventsAreIgnoredAndCounted) {
  auto parsed = ParseXPayload(ReadFixture("x", "other_events.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(parsed->contacts.empty());
  EXPECT_EQ(parsed->ignored, (std::vector<std::string_view>{"typing", "read", "read", "follow", "favorite"}));
}

TEST(XPayloadTest, UnknownEventArraysAndDmTypesAreTolerated) {
  auto parsed = ParseXPayload(
      R"({"for_user_id":"1","brand_new_events":[{},{}],"user_event":{"revoke":{}},)"
      R"("direct_message_events":[{"type":"something_else","id":"9"}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(parsed->contacts.empty());
  EXPECT_EQ(parsed->ignored,
            (std::vector<std::string_view>{"unknown_event", "unknown_event", "user_event", "unknown_event"}));
}

TEST(XPayloadTest, EmptyObjectHasNothing) {
  auto parsed = ParseXPayload("{}");
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->contacts.empty());
  EXPECT_TRUE(parsed->ignored.empty());
}

TEST(XPayloadTest, MalformedBodies) {
  struct Case {
    const char* body;
    const char* message;
  };
  const Case cases[] = {
      {"", "invalid JSON: Empty: no JSON found"},
      {"[]", "the JSON body must be an object"},
      {R"({"for_user_id":1.5})", "field 'for_user_id' must be a string or an integer"},
      {R"({"direct_message_events":{}})", "direct_message_events must be an array"},
      {R"({"for_user_id":"1","direct_message_events":[1]})", "direct_message_events[0]: the event must be an object"},
      {R"({"for_user_id":"1","direct_message_events":[{"id":"2"}]})", "direct_message_events[0]: field 'type' is required"},
      {R"({"for_user_id":"1","direct_message_events":[{"type":"message_create","id":"2","created_timestamp":"1"}]})",
       "direct_message_events[0]: field 'message_create' is required"},
      {R"({"direct_message_events":[{"type":"message_create","id":"2","created_timestamp":"1","message_create":{"sender_id":"5","message_data":{}}}]})",
       "direct_message_events[0]: field 'for_user_id' is required"},
      {R"({"for_user_id":"1","direct_message_events":[{"type":"message_create","id":"2","created_timestamp":"soon","message_create":{"sender_id":"5","message_data":{}}}]})",
       "direct_message_events[0]: field 'created_timestamp' must be a string of decimal digits that fits in 64 bits"},
      {R"({"for_user_id":"1","direct_message_events":[{"type":"message_create","id":"2","created_timestamp":-1,"message_create":{"sender_id":"5","message_data":{}}}]})",
       "direct_message_events[0]: field 'created_timestamp' must not be negative"},
      {R"({"for_user_id":"1","direct_message_events":[{"type":"message_create","id":"2","created_timestamp":"1","message_create":{"sender_id":"5","message_data":{"text":7}}}]})",
       "direct_message_events[0]: message_data: field 'text' must be a string"},
      {R"({"for_user_id":"1","direct_message_events":[{"type":"message_create","id":"2","created_timestamp":"1","message_create":{"sender_id":"5","message_data":{"attachment":{"media":{"type":"photo"}}}}}]})",
       "direct_message_events[0]: message_data.attachment: media needs 'media_url_https' or 'id'"},
      {R"({"for_user_id":"1","users":{"5":"x"},"direct_message_events":[{"type":"message_create","id":"2","created_timestamp":"1","message_create":{"sender_id":"5","message_data":{}}}]})",
       "direct_message_events[0]: users: the sender's entry must be an object"},
      {R"({"for_user_id":"1","follow_events":{}})", "an '*_events' field must be an array"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseXPayload(c.body);
    ASSERT_FALSE(parsed.ok()) << c.body;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << c.body;
    EXPECT_EQ(parsed.status().message(), c.message) << c.body;
  }
}

TEST(XPayloadTest, OneBadEventFailsTheWholeBatch) {
  std::string body = ReadFixture("x", "dm_batch.json");
  // Break the third event's timestamp: the first (valid) contact must not survive.
  size_t pos = body.find("\"1516403562123\"");
  ASSERT_NE(pos, std::string::npos);
  body.replace(pos, 15, "true");
  auto parsed = ParseXPayload(body);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(),
            "direct_message_events[2]: field 'created_timestamp' must be an integer or a string of digits");
}

TEST(XPayloadTest, TruncatedAndInvalidUtf8) {
  std::string body = ReadFixture("x", "dm_batch.json");
  EXPECT_FALSE(ParseXPayload(std::string_view(body).substr(0, body.size() / 2)).ok());
  std::string bad = R"({"for_user_id":"1","direct_message_events":[{"type":"message_create","id":"2","created_timestamp":"1","message_create":{"sender_id":"5","message_data":{"text":"bad \xff byte"}}}]})";
  auto parsed = ParseXPayload(bad);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(parsed.status().message().starts_with("invalid JSON: ")) << parsed.status().message();
}

}  // namespace
}  // namespace routerd::adapters::x
