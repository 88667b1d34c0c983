#include "whatsapp/whatsapp_payload.h"

#include <gtest/gtest.h>

#include "tests/adapters/common/adapter_test_util.h"

namespace routerd::adapters::whatsapp {
namespace {

using testing::ReadFixture;

TEST(WhatsAppPayloadTest, OfficialTextExample) {
  auto parsed = ParseWhatsAppPayload(ReadFixture("whatsapp", "official_text.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->contacts.size(), 1u);
  const Contact& c = parsed->contacts[0];
  EXPECT_EQ(c.customer_id, "16505551234");
  EXPECT_EQ(c.display_name, "Sheena Nelson");
  EXPECT_EQ(c.provider_message_id, "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=");
  EXPECT_EQ(c.sent_at_ms, 1749416383000);
  EXPECT_EQ(c.text, "Does it come in another color?");
  EXPECT_TRUE(c.attachments.empty());
  EXPECT_TRUE(parsed->ignored.empty());
}

TEST(WhatsAppPayloadTest, MixedBatch) {
  auto parsed = ParseWhatsAppPayload(ReadFixture("whatsapp", "batch_mixed.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const auto& cs = parsed->contacts;
  ASSERT_EQ(cs.size(), 11u);

  EXPECT_EQ(cs[0].provider_message_id, "wamid.A1");
  EXPECT_EQ(cs[0].text, "\xc2\xbfTienen talla M?");
  EXPECT_EQ(cs[0].display_name, "Sheena Nelson");

  EXPECT_EQ(cs[1].customer_id, "34600111222");
  EXPECT_EQ(cs[1].display_name, "Jos\xc3\xa9 P\xc3\xa9rez");
  EXPECT_EQ(cs[1].text, "the stain");
  ASSERT_EQ(cs[1].attachments.size(), 1u);
  EXPECT_EQ(cs[1].attachments[0].type, "image");
  EXPECT_EQ(cs[1].attachments[0].reference, "1003383421387256");
  EXPECT_EQ(cs[1].attachments[0].mime, "image/jpeg");
  EXPECT_EQ(cs[1].sent_at_ms, 1749416384000);

  ASSERT_EQ(cs[2].attachments.size(), 1u);
  EXPECT_EQ(cs[2].attachments[0].type, "file");
  EXPECT_EQ(cs[2].attachments[0].reference, "2003383421387257");
  EXPECT_EQ(cs[2].attachments[0].mime, "application/pdf");
  EXPECT_EQ(cs[2].attachments[0].name, "invoice-0042.pdf");
  EXPECT_EQ(cs[2].text, "");

  EXPECT_EQ(cs[3].attachments.at(0).type, "audio");
  EXPECT_EQ(cs[3].attachments.at(0).mime, "audio/ogg; codecs=opus");
  EXPECT_EQ(cs[4].attachments.at(0).type, "video");
  EXPECT_EQ(cs[5].attachments.at(0).type, "sticker");
  EXPECT_EQ(cs[5].attachments.at(0).reference, "5003383421387260");

  ASSERT_EQ(cs[6].attachments.size(), 1u);
  EXPECT_EQ(cs[6].attachments[0].type, "location");
  EXPECT_EQ(cs[6].attachments[0].reference, "geo:37.4847483695,-122.1473833");
  EXPECT_EQ(cs[6].attachments[0].name, "Philz Coffee");
  EXPECT_EQ(cs[6].text, "101 Forest Ave, Palo Alto, CA 94301");

  EXPECT_EQ(cs[7].text, "Ana Garc\xc3\xad" "a: +34 600 333 444, +34 910 000 000\nSupport Desk");
  EXPECT_TRUE(cs[7].attachments.empty());

  EXPECT_EQ(cs[8].customer_id, "81900001111");
  EXPECT_EQ(cs[8].display_name, "Kenji");
  EXPECT_EQ(cs[8].text, "Yes, please");
  EXPECT_EQ(cs[9].text, "Returns");
  EXPECT_EQ(cs[10].text, "Stop promotions");
  EXPECT_EQ(cs[10].provider_message_id, "wamid.B3");
  EXPECT_EQ(cs[10].sent_at_ms, 1749416402000);

  EXPECT_EQ(parsed->ignored, (std::vector<std::string_view>{"status", "status", "reaction", "unsupported",
                                                             "system", "message_template_status_update"}));
}

TEST(WhatsAppPayloadTest, StatusesOnly) {
  auto parsed = ParseWhatsAppPayload(ReadFixture("whatsapp", "statuses_only.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(parsed->contacts.empty());
  EXPECT_EQ(parsed->ignored, (std::vector<std::string_view>{"status", "status"}));
}

TEST(WhatsAppPayloadTest, UnknownTypesAndFieldsAreTolerated) {
  auto parsed = ParseWhatsAppPayload(
      R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[)"
      R"({"field":"messages","value":{"messages":[{"from":"1","id":"w1","timestamp":"1749416383","type":"order","order":{}},)"
      R"({"from":"1","id":"w2","timestamp":"1749416383","type":"interactive","interactive":{"type":"something_new"}}]}},)"
      R"({"field":"brand_new_field","value":{}},{"field":"messages","value":{"errors":[]}}]}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(parsed->contacts.empty());
  EXPECT_EQ(parsed->ignored, (std::vector<std::string_view>{"unknown_message", "unsupported", "unknown_field",
                                                             "unknown_event"}));
}

TEST(WhatsAppPayloadTest, NoNameWithoutMatchingProfile) {
  auto parsed = ParseWhatsAppPayload(
      R"({"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{)"
      R"("contacts":[{"profile":{"name":"Someone Else"},"wa_id":"999"}],)"
      R"("messages":[{"from":"1","id":"w1","timestamp":1749416383,"type":"text","text":{"body":"hi"}}]}}]}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->contacts.size(), 1u);
  EXPECT_EQ(parsed->contacts[0].display_name, "");
  EXPECT_EQ(parsed->contacts[0].sent_at_ms, 1749416383000);  // a number works too
}

TEST(WhatsAppPayloadTest, MalformedBodies) {
  struct Case {
    std::string body;
    std::string message;
  };
  auto wrap = [](std::string message) {
    return R"({"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[)" +
           message + "]}}]}]}";
  };
  const Case cases[] = {
      {R"({"entry":[]})", "field 'object' is required"},
      {R"({"object":"page","entry":[]})", "field 'object' must be \"whatsapp_business_account\""},
      {R"({"object":"whatsapp_business_account"})", "field 'entry' is required"},
      {R"({"object":"whatsapp_business_account","entry":{}})", "field 'entry' must be an array"},
      {R"({"object":"whatsapp_business_account","entry":[7]})", "entry[0] must be an object"},
      {R"({"object":"whatsapp_business_account","entry":[{}]})", "entry[0]: field 'changes' is required"},
      {R"({"object":"whatsapp_business_account","entry":[{"changes":[{"value":{}}]}]})",
       "entry[0].changes[0]: field 'field' is required"},
      {R"({"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"statuses":{}}}]}]})",
       "entry[0].changes[0]: value: field 'statuses' must be an array"},
      {wrap(R"({"id":"w","timestamp":"1","type":"text","text":{"body":"x"}})"),
       "entry[0].changes[0]: value: messages[0]: field 'from' is required"},
      {wrap(R"({"from":"1","id":"w","timestamp":"yesterday","type":"text","text":{"body":"x"}})"),
       "entry[0].changes[0]: value: messages[0]: field 'timestamp' must be a string of decimal digits that fits in 64 bits"},
      {wrap(R"({"from":"1","id":"w","timestamp":"1","type":"text","text":{"body":5}})"),
       "entry[0].changes[0]: value: messages[0]: text: field 'body' must be a string"},
      {wrap(R"({"from":"1","id":"w","timestamp":"1","type":"image","image":{"mime_type":"image/png"}})"),
       "entry[0].changes[0]: value: messages[0]: image: field 'id' is required"},
      {wrap(R"({"from":"1","id":"w","timestamp":"1","type":"location","location":{"latitude":"1","longitude":2}})"),
       "entry[0].changes[0]: value: messages[0]: location: field 'latitude' must be a number"},
      {wrap(R"({"from":1,"id":"w","timestamp":"1","type":"text","text":{"body":"x"}})"),
       "entry[0].changes[0]: value: messages[0]: field 'from' must be a string"},
      {wrap(R"("not an object")"), "entry[0].changes[0]: value: messages[0] must be an object"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseWhatsAppPayload(c.body);
    ASSERT_FALSE(parsed.ok()) << c.body;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message(), c.message) << c.body;
  }
}

TEST(WhatsAppPayloadTest, TruncatedEmptyAndInvalidUtf8) {
  const std::string body = ReadFixture("whatsapp", "batch_mixed.json");
  for (size_t cut : {size_t{0}, size_t{1}, body.size() / 3, body.size() - 2}) {
    EXPECT_FALSE(ParseWhatsAppPayload(std::string_view(body).substr(0, cut)).ok()) << cut;
  }
  std::string bad = body;
  bad[bad.find("Sheena")] = '\xfe';
  EXPECT_FALSE(ParseWhatsAppPayload(bad).ok());
}

}  // namespace
}  // namespace routerd::adapters::whatsapp
