#include "facebook/facebook_payload.h"

#include <gtest/gtest.h>

#include "tests/adapters/common/adapter_test_util.h"

namespace routerd::adapters::facebook {
namespace {

using testing::ReadFixture;

TEST(MessengerPayloadTest, TextMessage) {
  auto parsed = ParseMessengerPayload(ReadFixture("facebook", "text_message.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->contacts.size(), 1u);
  const Contact& c = parsed->contacts[0];
  EXPECT_EQ(c.customer_id, "1254459154682919");
  EXPECT_EQ(c.provider_message_id, "mid.1457764197618:41d102a3e1ae206a38");
  EXPECT_EQ(c.text, "hello, world!");
  EXPECT_EQ(c.sent_at_ms, 1458692752478);
  EXPECT_EQ(c.display_name, "");
  EXPECT_TRUE(parsed->ignored.empty());
}

TEST(MessengerPayloadTest, MixedBatch) {
  auto parsed = ParseMessengerPayload(ReadFixture("facebook", "batch_mixed.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const auto& cs = parsed->contacts;
  ASSERT_EQ(cs.size(), 5u);

  EXPECT_EQ(cs[0].customer_id, "1254459154682919");
  EXPECT_EQ(cs[0].text, "\xc2\xbf" "D\xc3\xb3nde est\xc3\xa1 mi pedido? \xf0\x9f\x93\xa6");
  EXPECT_EQ(cs[0].sent_at_ms, 1718000000100);

  EXPECT_EQ(cs[1].provider_message_id, "m_photo_1");
  EXPECT_EQ(cs[1].text, "");
  ASSERT_EQ(cs[1].attachments.size(), 2u);  // the template has nothing to fetch
  EXPECT_EQ(cs[1].attachments[0].type, "image");
  EXPECT_EQ(cs[1].attachments[0].reference, "https://scontent.xx.fbcdn.net/v/t1.15752-9/photo.jpg?_nc_cat=1&oh=abc");
  EXPECT_EQ(cs[1].attachments[1].type, "file");
  EXPECT_EQ(cs[1].attachments[1].reference, "https://cdn.fbsbx.com/v/t59.2708-21/receipt.pdf");

  EXPECT_EQ(cs[2].customer_id, "6543210987654321");
  EXPECT_EQ(cs[2].provider_message_id, "m_postback_1");
  EXPECT_EQ(cs[2].text, "Talk to an agent");
  EXPECT_EQ(cs[2].sent_at_ms, 1718000001100);

  EXPECT_EQ(cs[3].customer_id, "cb_user_ref_8f3a");
  EXPECT_EQ(cs[3].provider_message_id, "postback:cb_user_ref_8f3a:1718000001");
  EXPECT_EQ(cs[3].text, "Get Started");
  EXPECT_EQ(cs[3].sent_at_ms, 1718000001000);  // a string of seconds

  EXPECT_EQ(cs[4].provider_message_id, "m_location_1");
  ASSERT_EQ(cs[4].attachments.size(), 1u);
  EXPECT_EQ(cs[4].attachments[0].type, "location");
  EXPECT_EQ(cs[4].attachments[0].reference, "geo:40.4168,-3.7038");
  EXPECT_EQ(cs[4].attachments[0].name, "Pinned Location");

  EXPECT_EQ(parsed->ignored,
            (std::vector<std::string_view>{"echo", "delivery", "read", "reaction", "optin", "referral",
                                           "account_linking", "unknown_event", "standby", "standby"}));
}

TEST(MessengerPayloadTest, StandbyOnly) {
  auto parsed = ParseMessengerPayload(ReadFixture("facebook", "standby_only.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(parsed->contacts.empty());
  EXPECT_EQ(parsed->ignored, std::vector<std::string_view>{"standby"});
}

TEST(MessengerPayloadTest, FeedChangesAreIgnored) {
  auto parsed = ParseMessengerPayload(
      R"({"object":"page","entry":[{"id":"1","time":1,"changes":[{"field":"feed","value":{}}]}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->ignored, std::vector<std::string_view>{"change"});
}

TEST(MessengerPayloadTest, MalformedBodies) {
  struct Case {
    std::string body;
    std::string message;
  };
  auto wrap = [](std::string event) { return R"({"object":"page","entry":[{"id":"1","messaging":[)" + event + "]}]}"; };
  const Case cases[] = {
      {R"({"object":"whatsapp_business_account","entry":[]})", "field 'object' must be \"page\""},
      {R"({"object":"page"})", "field 'entry' is required"},
      {R"({"object":"page","entry":[{"messaging":{}}]})", "entry[0]: field 'messaging' must be an array"},
      {R"({"object":"page","entry":[{"standby":7}]})", "entry[0]: field 'standby' must be an array"},
      {wrap("3"), "entry[0]: messaging[0] must be an object"},
      {wrap(R"({"timestamp":1,"message":{"mid":"m","text":"x"}})"), "entry[0].messaging[0]: field 'sender' is required"},
      {wrap(R"({"sender":{},"timestamp":1,"message":{"mid":"m"}})"),
       "entry[0].messaging[0]: sender: field 'id' or 'user_ref' is required"},
      {wrap(R"({"sender":{"id":"1"},"message":{"mid":"m"}})"), "entry[0].messaging[0]: field 'timestamp' is required"},
      {wrap(R"({"sender":{"id":"1"},"timestamp":1.5,"message":{"mid":"m"}})"),
       "entry[0].messaging[0]: field 'timestamp' must be an integer or a string of digits"},
      {wrap(R"({"sender":{"id":"1"},"timestamp":-1,"message":{"mid":"m"}})"),
       "entry[0].messaging[0]: field 'timestamp' must not be negative"},
      {wrap(R"({"sender":{"id":"1"},"timestamp":1,"message":{"text":"x"}})"),
       "entry[0].messaging[0]: message: field 'mid' is required"},
      {wrap(R"({"sender":{"id":"1"},"timestamp":1,"message":{"mid":"m","text":["x"]}})"),
       "entry[0].messaging[0]: message: field 'text' must be a string"},
      {wrap(R"({"sender":{"id":"1"},"timestamp":1,"message":{"mid":"m","is_echo":"yes"}})"),
       "entry[0].messaging[0]: message: field 'is_echo' must be a boolean"},
      {wrap(R"({"sender":{"id":"1"},"timestamp":1,"message":{"mid":"m","attachments":[{"payload":{}}]}})"),
       "entry[0].messaging[0]: message: attachments[0]: field 'type' is required"},
      {wrap(R"({"sender":{"id":"1"},"timestamp":1,"message":{"mid":"m","attachments":[{"type":"image","payload":{"url":3}}]}})"),
       "entry[0].messaging[0]: message: attachments[0].payload: field 'url' must be a string"},
      {wrap(R"({"sender":{"id":"1"},"timestamp":1,"message":"hi"})"), "entry[0].messaging[0]: field 'message' must be an object"},
      {wrap(R"({"sender":{"id":"1"},"timestamp":1,"postback":{"title":5}})"),
       "entry[0].messaging[0]: postback: field 'title' must be a string"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseMessengerPayload(c.body);
    ASSERT_FALSE(parsed.ok()) << c.body;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message(), c.message) << c.body;
  }
}

TEST(MessengerPayloadTest, EchoNeedsNoSender) {
  // Echoes are dropped before the customer fields are read.
  auto parsed = ParseMessengerPayload(
      R"({"object":"page","entry":[{"messaging":[{"message":{"is_echo":true}}]}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->ignored, std::vector<std::string_view>{"echo"});
}

TEST(MessengerPayloadTest, TruncatedAndInvalidUtf8) {
  const std::string body = ReadFixture("facebook", "batch_mixed.json");
  for (size_t cut : {size_t{0}, body.size() / 2, body.size() - 3}) {  // the file ends "}]}\n"
    EXPECT_FALSE(ParseMessengerPayload(std::string_view(body).substr(0, cut)).ok()) << cut;
  }
  EXPECT_FALSE(ParseMessengerPayload("{\"object\":\"page\",\"entry\":[],\"x\":\"\xed\xa0\x80\"}").ok());
}

}  // namespace
}  // namespace routerd::adapters::facebook
