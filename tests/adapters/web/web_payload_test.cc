#include "web/web_payload.h"

#include <gtest/gtest.h>

#include "tests/adapters/common/adapter_test_util.h"

namespace routerd::adapters::web {
namespace {

using testing::ReadFixture;

TEST(WebPayloadTest, Message) {
  auto parsed = ParseWebPayload(ReadFixture("web", "message.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->contacts.size(), 1u);
  EXPECT_TRUE(parsed->leave_messages.empty());
  EXPECT_TRUE(parsed->ignored.empty());
  const Contact& c = parsed->contacts[0];
  EXPECT_EQ(c.provider_message_id, "01J9Z3K8Q6V1T7X2M4N5P6R7S8");
  EXPECT_EQ(c.customer_id, "v_6f1c2a");
  EXPECT_EQ(c.display_name, "Ana");
  EXPECT_EQ(c.phone, "+34600111222");
  EXPECT_EQ(c.text, "Hi, I need help with order #1042 \xe2\x80\x94 \xc2\xa1gracias!");
  EXPECT_EQ(c.sent_at_ms, 1718000000123);
  EXPECT_TRUE(c.attachments.empty());
}

TEST(WebPayloadTest, PreferredAgent) {
  auto parsed = ParseWebPayload(
      R"({"event_id":"e","type":"message","visitor":{"id":"v"},"text":"x","sent_at":1,"preferred_agent":"10002"})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->contacts[0].preferred_agent, "10002");
  parsed = ParseWebPayload(R"({"event_id":"e","type":"message","visitor":{"id":"v"},"text":"x","sent_at":1})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->contacts[0].preferred_agent, "");
  parsed = ParseWebPayload(R"({"event_id":"e","type":"message","visitor":{"id":"v"},"text":"x","sent_at":1,)"
                           R"("preferred_agent":")" + std::string(65, 'a') + "\"}");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("field 'preferred_agent' must be an employee id of at most 64"),
            std::string::npos);
  parsed = ParseWebPayload(
      R"({"event_id":"e","type":"message","visitor":{"id":"v"},"text":"x","sent_at":1,"preferred_agent":7})");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("field 'preferred_agent' must be a string"), std::string::npos);
}

TEST(WebPayloadTest, LeaveMessage) {
  auto parsed = ParseWebPayload(ReadFixture("web", "leave_message.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(parsed->contacts.empty());
  ASSERT_EQ(parsed->leave_messages.size(), 1u);
  const Contact& c = parsed->leave_messages[0];
  EXPECT_EQ(c.provider_message_id, "01J9Z3M2B7C8D9E0F1G2H3J4K5");
  EXPECT_EQ(c.customer_id, "v_77aa01");
  EXPECT_EQ(c.display_name, "Kenji Tanaka");
  EXPECT_EQ(c.phone, "") << "no visitor.phone given";
  EXPECT_EQ(c.text, "Please call me back tomorrow morning.");
  EXPECT_EQ(c.sent_at_ms, 1718000100456);  // given as a string
}

TEST(WebPayloadTest, MinimalMessageHasNoName) {
  auto parsed = ParseWebPayload(ReadFixture("web", "minimal_message.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->contacts.size(), 1u);
  EXPECT_EQ(parsed->contacts[0].display_name, "");
  EXPECT_EQ(parsed->contacts[0].customer_id, "anon-42");
}

TEST(WebPayloadTest, UnknownTypeIsIgnored) {
  auto parsed = ParseWebPayload(ReadFixture("web", "unknown_type.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(parsed->contacts.empty());
  EXPECT_EQ(parsed->ignored, std::vector<std::string_view>{"unknown_event"});
}

TEST(WebPayloadTest, MalformedBodies) {
  struct Case {
    const char* body;
    const char* message;
  };
  const Case cases[] = {
      {"", "invalid JSON: Empty: no JSON found"},
      {"[]", "the JSON body must be an object"},
      {R"({"type":"message"})", "field 'event_id' is required"},
      {R"({"event_id":"","type":"message"})", "field 'event_id' must not be empty"},
      {R"({"event_id":5,"type":"message"})", "field 'event_id' must be a string"},
      {R"({"event_id":"e"})", "field 'type' is required"},
      {R"({"event_id":"e","type":"message","text":"x","sent_at":1})", "field 'visitor' is required"},
      {R"({"event_id":"e","type":"message","visitor":{"id":""},"text":"x","sent_at":1})",
       "visitor: field 'id' must not be empty"},
      {R"({"event_id":"e","type":"message","visitor":{"id":"v","email":false},"text":"x","sent_at":1})",
       "visitor: field 'email' must be a string"},
      {R"({"event_id":"e","type":"message","visitor":{"id":"v","phone":34600111222},"text":"x","sent_at":1})",
       "visitor: field 'phone' must be a string"},
      {R"({"event_id":"e","type":"message","visitor":{"id":"v","phone":"600 111 222"},"text":"x","sent_at":1})",
       "visitor: field 'phone' must be an E.164 number ('+', then 2 to 15 digits, the first not 0) or empty"},
      {R"({"event_id":"e","type":"message","visitor":{"id":"v","phone":"+0600111222"},"text":"x","sent_at":1})",
       "visitor: field 'phone' must be an E.164 number ('+', then 2 to 15 digits, the first not 0) or empty"},
      {R"({"event_id":"e","type":"message","visitor":{"id":"v","phone":"+1234567890123456"},"text":"x","sent_at":1})",
       "visitor: field 'phone' must be an E.164 number ('+', then 2 to 15 digits, the first not 0) or empty"},
      {R"({"event_id":"e","type":"message","visitor":{"id":"v","name":["A"]},"text":"x","sent_at":1})",
       "visitor: field 'name' must be a string"},
      {R"({"event_id":"e","type":"message","visitor":{"id":"v"},"sent_at":1})", "field 'text' is required"},
      {R"({"event_id":"e","type":"message","visitor":{"id":"v"},"text":"x"})", "field 'sent_at' is required"},
      {R"({"event_id":"e","type":"message","visitor":{"id":"v"},"text":"x","sent_at":-5})",
       "field 'sent_at' must not be negative"},
      {R"({"event_id":"e","type":"message","visitor":{"id":"v"},"text":"x","sent_at":1.25})",
       "field 'sent_at' must be an integer or a string of digits"},
      {R"({"event_id":"e","type":"message","visitor":{"id":"v"},"text":"x","sent_at":1,"page_url":{}})",
       "field 'page_url' must be a string"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseWebPayload(c.body);
    ASSERT_FALSE(parsed.ok()) << c.body;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message(), c.message) << c.body;
  }
}

TEST(WebPayloadTest, TruncatedAndInvalidUtf8) {
  const std::string body = ReadFixture("web", "message.json");
  EXPECT_FALSE(ParseWebPayload(std::string_view(body).substr(0, body.size() - 3)).ok());
  EXPECT_FALSE(
      ParseWebPayload("{\"event_id\":\"e\",\"type\":\"message\",\"visitor\":{\"id\":\"v\"},\"text\":\"\xe2\x82\",\"sent_at\":1}")
          .ok());
}

}  // namespace
}  // namespace routerd::adapters::web
