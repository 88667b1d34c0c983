#include "line/line_payload.h"

#include <gtest/gtest.h>

#include "tests/adapters/common/adapter_test_util.h"

namespace routerd::adapters::line {
namespace {

using testing::ReadFixture;

TEST(LinePayloadTest, VerifyPostIsIgnored) {
  auto parsed = ParseLinePayload(ReadFixture("line", "verify.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(parsed->contacts.empty());
  EXPECT_EQ(parsed->ignored, std::vector<std::string_view>{"verify"});
}

TEST(LinePayloadTest, SdkTextExample) {
  auto parsed = ParseLinePayload(ReadFixture("line", "sdk_text.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->contacts.size(), 1u);
  const Contact& c = parsed->contacts[0];
  EXPECT_EQ(c.customer_id, "U206d25c2ea6bd87c17655609a1c37cb8");
  EXPECT_EQ(c.provider_message_id, "testwebhookeventid");
  EXPECT_EQ(c.sent_at_ms, 1462629479859);
  EXPECT_EQ(c.text, "Hello, world");
  EXPECT_EQ(c.display_name, "");
  EXPECT_TRUE(c.attachments.empty());
  EXPECT_TRUE(parsed->ignored.empty());
}

TEST(LinePayloadTest, MixedBatch) {
  auto parsed = ParseLinePayload(ReadFixture("line", "batch_mixed.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const auto& cs = parsed->contacts;
  ASSERT_EQ(cs.size(), 7u);

  EXPECT_EQ(cs[0].customer_id, "U4af4980629aaaaaaaaaaaaaaaaaaaaaa");
  EXPECT_EQ(cs[0].provider_message_id, "01HZX0000000000000000000A1");
  EXPECT_EQ(cs[0].text, "\xe3\x81\x93\xe3\x82\x93\xe3\x81\xab\xe3\x81\xa1\xe3\x81\xaf (hello) $");
  EXPECT_EQ(cs[0].sent_at_ms, 1718000000001);

  ASSERT_EQ(cs[1].attachments.size(), 1u);
  EXPECT_EQ(cs[1].attachments[0].type, "image");
  EXPECT_EQ(cs[1].attachments[0].reference, "354718705033693859");
  EXPECT_FALSE(cs[1].attachments[0].size_bytes.has_value());
  EXPECT_EQ(cs[1].provider_message_id, "01HZX0000000000000000000A2");

  EXPECT_EQ(cs[2].customer_id, "U4af4980629bbbbbbbbbbbbbbbbbbbbbb");
  EXPECT_EQ(cs[2].attachments.at(0).type, "video");
  EXPECT_EQ(cs[2].attachments.at(0).reference, "325708");
  EXPECT_EQ(cs[3].attachments.at(0).type, "audio");
  EXPECT_EQ(cs[3].attachments.at(0).reference, "325709");

  // Group message with a userId: the user is the customer.
  EXPECT_EQ(cs[4].customer_id, "U4af4980629cccccccccccccccccccccc");
  ASSERT_EQ(cs[4].attachments.size(), 1u);
  EXPECT_EQ(cs[4].attachments[0].type, "file");
  EXPECT_EQ(cs[4].attachments[0].reference, "325710");
  EXPECT_EQ(cs[4].attachments[0].name, "invoice.pdf");
  EXPECT_EQ(cs[4].attachments[0].size_bytes, std::optional<std::uint64_t>(2138));

  // Room message without a userId: the room stands in.
  EXPECT_EQ(cs[5].customer_id, "Ra8dbf4673c4c812cd491258042226c99");
  ASSERT_EQ(cs[5].attachments.size(), 1u);
  EXPECT_EQ(cs[5].attachments[0].type, "location");
  EXPECT_EQ(cs[5].attachments[0].reference, "geo:35.65910807942215,139.70372892916203");
  EXPECT_EQ(cs[5].attachments[0].name, "my location");
  EXPECT_EQ(cs[5].text,
            "\xe3\x80\x92" "150-0002 \xe6\x9d\xb1\xe4\xba\xac\xe9\x83\xbd\xe6\xb8\x8b\xe8\xb0\xb7\xe5\x8c\xba"
            "\xe6\xb8\x8b\xe8\xb0\xb7\xef\xbc\x92\xe4\xb8\x81\xe7\x9b\xae\xef\xbc\x92\xef\xbc\x91\xe2\x88\x92\xef\xbc\x91");

  ASSERT_EQ(cs[6].attachments.size(), 1u);
  EXPECT_EQ(cs[6].attachments[0].type, "sticker");
  EXPECT_EQ(cs[6].attachments[0].reference, "1");
  EXPECT_EQ(cs[6].text, "Thanks!");

  EXPECT_EQ(parsed->ignored,
            (std::vector<std::string_view>{"standby", "follow", "unfollow", "postback", "unsend", "join",
                                           "memberJoined", "videoPlayComplete", "beacon", "accountLink",
                                           "unknown_event", "unknown_message"}));
}

TEST(LinePayloadTest, NumericStickerIdAndStringFileSize) {
  auto parsed = ParseLinePayload(
      R"({"destination":"U1","events":[)"
      R"({"type":"message","mode":"active","timestamp":1,"source":{"type":"user","userId":"U9"},"webhookEventId":"e1",)"
      R"("message":{"id":"1","type":"sticker","packageId":"446","stickerId":1988}},)"
      R"({"type":"message","timestamp":2,"source":{"type":"user","userId":"U9"},"webhookEventId":"e2",)"
      R"("message":{"id":"2","type":"file","fileName":"a.txt","fileSize":"12"}}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->contacts.size(), 2u);
  EXPECT_EQ(parsed->contacts[0].attachments.at(0).reference, "1988");
  EXPECT_EQ(parsed->contacts[1].attachments.at(0).size_bytes, std::optional<std::uint64_t>(12));
}

TEST(LinePayloadTest, MalformedBodies) {
  struct Case {
    std::string body;
    std::string message;
  };
  auto wrap = [](std::string event) { return R"({"destination":"U1","events":[)" + event + "]}"; };
  const Case cases[] = {
      {R"({"destination":"U1"})", "field 'events' is required"},
      {R"({"destination":"U1","events":{}})", "field 'events' must be an array"},
      {R"({"destination":5,"events":[]})", "field 'destination' must be a string"},
      {wrap("1"), "events[0] must be an object"},
      {wrap(R"({"mode":"active"})"), "events[0]: field 'type' is required"},
      {wrap(R"({"type":"message","timestamp":1,"source":{"userId":"U"},"webhookEventId":"e"})"),
       "events[0]: field 'message' is required"},
      {wrap(R"({"type":"message","timestamp":1,"source":{"userId":"U"},"message":{"id":"1","type":"text","text":"x"}})"),
       "events[0]: field 'webhookEventId' is required"},
      {wrap(R"({"type":"message","timestamp":"later","source":{"userId":"U"},"webhookEventId":"e","message":{"id":"1","type":"text","text":"x"}})"),
       "events[0]: field 'timestamp' must be a string of decimal digits that fits in 64 bits"},
      {wrap(R"({"type":"message","timestamp":1,"webhookEventId":"e","message":{"id":"1","type":"text","text":"x"}})"),
       "events[0]: field 'source' is required"},
      {wrap(R"({"type":"message","timestamp":1,"source":{"type":"user"},"webhookEventId":"e","message":{"id":"1","type":"text","text":"x"}})"),
       "events[0]: source: field 'userId' (or 'groupId'/'roomId') is required"},
      {wrap(R"({"type":"message","timestamp":1,"source":{"userId":"U"},"webhookEventId":"e","message":{"id":"1","type":"text"}})"),
       "events[0]: message: field 'text' is required"},
      {wrap(R"({"type":"message","timestamp":1,"source":{"userId":"U"},"webhookEventId":"e","message":{"id":"1","type":"file","fileSize":-4}})"),
       "events[0]: message: field 'fileSize' must not be negative"},
      {wrap(R"({"type":"message","timestamp":1,"source":{"userId":"U"},"webhookEventId":"e","message":{"id":"1","type":"location","latitude":1}})"),
       "events[0]: message: field 'longitude' is required"},
      {wrap(R"({"type":"message","mode":7,"timestamp":1})"), "events[0]: field 'mode' must be a string"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseLinePayload(c.body);
    ASSERT_FALSE(parsed.ok()) << c.body;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message(), c.message) << c.body;
  }
}

TEST(LinePayloadTest, TruncatedAndInvalidUtf8) {
  const std::string body = ReadFixture("line", "batch_mixed.json");
  for (size_t cut : {size_t{0}, size_t{1}, body.size() / 2, body.size() - 3}) {
    EXPECT_FALSE(ParseLinePayload(std::string_view(body).substr(0, cut)).ok()) << cut;
  }
  EXPECT_FALSE(ParseLinePayload("{\"destination\":\"U\xc0\xaf\",\"events\":[]}").ok());
}

}  // namespace
}  // namespace routerd::adapters::line
