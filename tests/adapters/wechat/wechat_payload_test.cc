#include "wechat/wechat_payload.h"

#include <gtest/gtest.h>

#include "wechat_test_util.h"

namespace routerd::adapters::wechat {
namespace {

using testing::ReadFixture;

const Contact& OnlyContact(const StatusOr<WeChatPayload>& payload) {
  EXPECT_TRUE(payload.ok()) << payload.status().ToString();
  EXPECT_EQ(payload->contacts.size(), 1u);
  EXPECT_TRUE(payload->ignored.empty());
  return payload->contacts.front();
}

TEST(WeChatPayloadTest, Text) {
  auto payload = ParseWeChatPayload(ReadFixture("wechat/text.xml"));
  const Contact& c = OnlyContact(payload);
  EXPECT_EQ(c.customer_id, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
  EXPECT_EQ(c.provider_message_id, "1234567890123456");
  EXPECT_EQ(c.sent_at_ms, 1348831860000);
  EXPECT_EQ(c.text, "this is a test");
  EXPECT_TRUE(c.attachments.empty());
  EXPECT_EQ(c.display_name, "");
  // Identity is the adapter's job.
  EXPECT_EQ(c.tenant_id, "");
  EXPECT_EQ(c.received_at_ms, 0);
}

TEST(WeChatPayloadTest, ImagePrefersPicUrl) {
  auto payload = ParseWeChatPayload(ReadFixture("wechat/image.xml"));
  const Contact& c = OnlyContact(payload);
  EXPECT_EQ(c.provider_message_id, "1234567890123457");
  EXPECT_EQ(c.text, "");
  ASSERT_EQ(c.attachments.size(), 1u);
  EXPECT_EQ(c.attachments[0].type, "image");
  EXPECT_EQ(c.attachments[0].reference, "http://mmbiz.qpic.cn/mmbiz_jpg/abc123/0");
  EXPECT_EQ(c.attachments[0].mime, "");
  EXPECT_FALSE(c.attachments[0].size_bytes.has_value());
}

TEST(WeChatPayloadTest, ImageFallsBackToMediaId) {
  auto payload = ParseWeChatPayload(
      "<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>image</MsgType>"
      "<MediaId>m1</MediaId><MsgId>9</MsgId></xml>");
  const Contact& c = OnlyContact(payload);
  ASSERT_EQ(c.attachments.size(), 1u);
  EXPECT_EQ(c.attachments[0].reference, "m1");
}

TEST(WeChatPayloadTest, VoiceWithRecognition) {
  auto payload = ParseWeChatPayload(ReadFixture("wechat/voice.xml"));
  const Contact& c = OnlyContact(payload);
  EXPECT_EQ(c.text, "腾讯微信团队");
  EXPECT_EQ(c.sent_at_ms, 1357290913000);
  ASSERT_EQ(c.attachments.size(), 1u);
  EXPECT_EQ(c.attachments[0].type, "audio");
  EXPECT_EQ(c.attachments[0].reference, "voice_media_id_1");
  EXPECT_EQ(c.attachments[0].mime, "audio/amr");
}

TEST(WeChatPayloadTest, VoiceWithoutRecognitionOrKnownFormat) {
  auto payload = ParseWeChatPayload(
      "<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>voice</MsgType>"
      "<MediaId>m2</MediaId><Format>ogg</Format><MsgId>9</MsgId></xml>");
  const Contact& c = OnlyContact(payload);
  EXPECT_EQ(c.text, "");
  ASSERT_EQ(c.attachments.size(), 1u);
  EXPECT_EQ(c.attachments[0].mime, "");
}

TEST(WeChatPayloadTest, VideoAndShortVideo) {
  for (const char* name : {"wechat/video.xml", "wechat/shortvideo.xml"}) {
    auto payload = ParseWeChatPayload(ReadFixture(name));
    const Contact& c = OnlyContact(payload);
    ASSERT_EQ(c.attachments.size(), 1u) << name;
    EXPECT_EQ(c.attachments[0].type, "video");
  }
  EXPECT_EQ(OnlyContact(ParseWeChatPayload(ReadFixture("wechat/video.xml"))).attachments[0].reference,
            "video_media_id_1");
  EXPECT_EQ(OnlyContact(ParseWeChatPayload(ReadFixture("wechat/shortvideo.xml"))).attachments[0].reference,
            "shortvideo_media_id_1");
}

TEST(WeChatPayloadTest, LocationBecomesText) {
  auto payload = ParseWeChatPayload(ReadFixture("wechat/location.xml"));
  const Contact& c = OnlyContact(payload);
  EXPECT_EQ(c.text, "位置信息 (23.134521,113.358803)");
  EXPECT_TRUE(c.attachments.empty());
  auto unlabeled = ParseWeChatPayload(
      "<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>location</MsgType>"
      "<Location_X>1.5</Location_X><Location_Y>-2</Location_Y><MsgId>9</MsgId></xml>");
  EXPECT_EQ(OnlyContact(unlabeled).text, "(1.5,-2)");
}

TEST(WeChatPayloadTest, LinkBecomesTitleAndUrl) {
  auto payload = ParseWeChatPayload(ReadFixture("wechat/link.xml"));
  EXPECT_EQ(OnlyContact(payload).text, "公众平台官网链接\nhttps://mp.weixin.qq.com");
}

TEST(WeChatPayloadTest, EventsAreIgnored) {
  for (const char* name : {"wechat/event_subscribe.xml", "wechat/event_pic_sysphoto.xml"}) {
    auto payload = ParseWeChatPayload(ReadFixture(name));
    ASSERT_TRUE(payload.ok()) << name << ": " << payload.status().ToString();
    EXPECT_TRUE(payload->contacts.empty());
    ASSERT_EQ(payload->ignored.size(), 1u);
    EXPECT_EQ(payload->ignored[0], "event");
  }
}

TEST(WeChatPayloadTest, UnknownTypesAreIgnored) {
  auto payload = ParseWeChatPayload(ReadFixture("wechat/unknown_miniprogrampage.xml"));
  ASSERT_TRUE(payload.ok()) << payload.status().ToString();
  EXPECT_TRUE(payload->contacts.empty());
  ASSERT_EQ(payload->ignored.size(), 1u);
  EXPECT_EQ(payload->ignored[0], "unknown_type");
}

TEST(WeChatPayloadTest, RejectsMissingOrWrongFields) {
  struct Case {
    const char* xml;
    const char* message;
  };
  const Case cases[] = {
      {"<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgId>9</MsgId></xml>",
       "wechat: field 'MsgType' is required"},
      {"<xml><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>x</Content><MsgId>9</MsgId></xml>",
       "wechat: field 'FromUserName' is required"},
      {"<xml><FromUserName></FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>x</Content>"
       "<MsgId>9</MsgId></xml>",
       "wechat: field 'FromUserName' is required"},
      {"<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>x</Content>"
       "</xml>",
       "wechat: field 'MsgId' is required"},
      {"<xml><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>x</Content><MsgId>9</MsgId></xml>",
       "wechat: field 'CreateTime' is required"},
      {"<xml><FromUserName>u</FromUserName><CreateTime>-1</CreateTime><MsgType>text</MsgType><Content>x</Content>"
       "<MsgId>9</MsgId></xml>",
       "wechat: field 'CreateTime' must be decimal seconds"},
      {"<xml><FromUserName>u</FromUserName><CreateTime>1.5</CreateTime><MsgType>text</MsgType>"
       "<Content>x</Content><MsgId>9</MsgId></xml>",
       "wechat: field 'CreateTime' must be decimal seconds"},
      {"<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><MsgId>9</MsgId></xml>",
       "wechat: field 'Content' is required"},
      {"<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>image</MsgType><MsgId>9</MsgId></xml>",
       "wechat: field 'PicUrl or MediaId' is required"},
      {"<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>voice</MsgType><MsgId>9</MsgId></xml>",
       "wechat: field 'MediaId' is required"},
      {"<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>location</MsgType>"
       "<Location_X>1</Location_X><MsgId>9</MsgId></xml>",
       "wechat: field 'Location_Y' is required"},
      {"<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>link</MsgType><MsgId>9</MsgId></xml>",
       "wechat: field 'Url' is required"},
      {"<root><MsgType>text</MsgType></root>", "wechat: root element must be <xml>"},
  };
  for (const Case& c : cases) {
    auto payload = ParseWeChatPayload(c.xml);
    ASSERT_FALSE(payload.ok()) << c.xml;
    EXPECT_EQ(payload.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(payload.status().message(), c.message) << c.xml;
  }
}

TEST(WeChatPayloadTest, RejectsTruncatedAndHostileXml) {
  const std::string text = ReadFixture("wechat/text.xml");
  for (size_t cut : {size_t{0}, size_t{1}, text.size() / 2, text.size() - 8}) {
    EXPECT_FALSE(ParseWeChatPayload(text.substr(0, cut)).ok()) << cut;
  }
  EXPECT_FALSE(ParseWeChatPayload("<!DOCTYPE xml [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                                   "<xml><MsgType>text</MsgType><Content>&e;</Content></xml>")
                   .ok());
  EXPECT_FALSE(ParseWeChatPayload("{\"MsgType\":\"text\"}").ok());
}

TEST(ExtractEncryptTest, ReadsTheEnvelope) {
  auto encrypt = ExtractEncrypt(ReadFixture("wechat/safe_w4.xml"));
  ASSERT_TRUE(encrypt.ok()) << encrypt.status().ToString();
  EXPECT_EQ(encrypt->substr(0, 12), "rTNFcsut4LfG");
  EXPECT_EQ(encrypt->size(), 472u);
  EXPECT_EQ(ExtractEncrypt("<xml><ToUserName>x</ToUserName></xml>").status().message(),
            "wechat: field 'Encrypt' is required");
}

}  // namespace
}  // namespace routerd::adapters::wechat
