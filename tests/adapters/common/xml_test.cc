#include "common/xml.h"

#include <gtest/gtest.h>

#include <string>

namespace routerd::adapters {
namespace {

TEST(XmlTest, ParsesWeChatTextMessage) {
  auto doc = ParseXml(
      "<xml>\n"
      "  <ToUserName><![CDATA[toUser]]></ToUserName>\n"
      "  <FromUserName><![CDATA[fromUser]]></FromUserName>\n"
      "  <CreateTime>1348831860</CreateTime>\n"
      "  <MsgType><![CDATA[text]]></MsgType>\n"
      "  <Content><![CDATA[this is a test]]></Content>\n"
      "  <MsgId>1234567890123456</MsgId>\n"
      "</xml>\n");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->name, "xml");
  ASSERT_EQ(doc->children.size(), 6u);
  EXPECT_EQ(doc->children[0].name, "ToUserName");
  EXPECT_EQ(doc->ChildText("ToUserName"), "toUser");
  EXPECT_EQ(doc->ChildText("FromUserName"), "fromUser");
  EXPECT_EQ(doc->ChildText("CreateTime"), "1348831860");
  EXPECT_EQ(doc->ChildText("MsgType"), "text");
  EXPECT_EQ(doc->ChildText("Content"), "this is a test");
  EXPECT_EQ(doc->ChildText("MsgId"), "1234567890123456");
  EXPECT_EQ(doc->ChildText("Missing"), std::nullopt);
  EXPECT_EQ(doc->Child("Missing"), nullptr);
}

TEST(XmlTest, CdataIsRawAndMayHoldMarkup) {
  auto doc = ParseXml("<xml><A><![CDATA[<b>&amp; ]] ]]></A></xml>");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->ChildText("A"), "<b>&amp; ]] ");
}

TEST(XmlTest, DecodesPredefinedAndNumericEntities) {
  auto doc = ParseXml("<xml><A>&lt;a&gt; &amp; &quot;q&quot; &apos;s&apos; &#20013;&#x6587;&#X41;</A></xml>");
  // "&#X41;" uses an upper-case X, which XML does not allow.
  EXPECT_FALSE(doc.ok());
  doc = ParseXml("<xml><A>&lt;a&gt; &amp; &quot;q&quot; &apos;s&apos; &#20013;&#x6587;&#65;&#x1F600;</A></xml>");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->ChildText("A"), "<a> & \"q\" 's' \xE4\xB8\xAD\xE6\x96\x87" "A\xF0\x9F\x98\x80");
}

TEST(XmlTest, MixesTextAndCdataInOrder) {
  auto doc = ParseXml("<xml><A>one <![CDATA[two]]> &amp; three</A></xml>");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->ChildText("A"), "one two & three");
}

TEST(XmlTest, AcceptsDeclarationBomCommentsAttributesAndEmptyElements) {
  auto doc = ParseXml(
      "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- lead -->\n"
      "<xml a=\"1\" b='2'><!-- inside --><Empty/><Empty2 x=\"y\" /><Blank></Blank>"
      "<?pi data?><Tail>t</Tail></xml>\n<!-- trail -->\n");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  ASSERT_EQ(doc->children.size(), 4u);
  EXPECT_EQ(doc->ChildText("Empty"), "");
  EXPECT_EQ(doc->ChildText("Empty2"), "");
  EXPECT_EQ(doc->ChildText("Blank"), "");
  EXPECT_EQ(doc->ChildText("Tail"), "t");
}

TEST(XmlTest, KeepsNestedElementsAndDuplicates) {
  auto doc = ParseXml(
      "<xml><SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum>a</PicMd5Sum></item>"
      "<item><PicMd5Sum>b</PicMd5Sum></item></PicList></SendPicsInfo></xml>");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  const XmlElement* info = doc->Child("SendPicsInfo");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->ChildText("Count"), "2");
  const XmlElement* list = info->Child("PicList");
  ASSERT_NE(list, nullptr);
  ASSERT_EQ(list->children.size(), 2u);
  EXPECT_EQ(list->children[0].ChildText("PicMd5Sum"), "a");
  EXPECT_EQ(list->children[1].ChildText("PicMd5Sum"), "b");
}

TEST(XmlTest, NamesAreCaseSensitive) {
  auto doc = ParseXml("<xml><MsgType>text</MsgType></xml>");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->ChildText("msgtype"), std::nullopt);
  EXPECT_FALSE(ParseXml("<xml><A>x</a></xml>").ok());
}

TEST(XmlTest, RejectsDoctypeAndEntityDeclarations) {
  // The classic XXE payload.
  auto xxe = ParseXml(
      "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
      "<xml><Content>&xxe;</Content></xml>");
  ASSERT_FALSE(xxe.ok());
  EXPECT_EQ(xxe.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(xxe.status().message().find("DOCTYPE"), std::string::npos) << xxe.status().message();
  EXPECT_FALSE(ParseXml("<!DOCTYPE xml><xml/>").ok());
  EXPECT_FALSE(ParseXml("<xml><!ENTITY a \"b\"><A/></xml>").ok());
  EXPECT_FALSE(ParseXml("<xml><A>&xxe;</A></xml>").ok());
}

TEST(XmlTest, RejectsMalformedDocuments) {
  const char* bad[] = {
      "",
      "   ",
      "text",
      "<xml>",
      "<xml><A>1</A>",
      "<xml><A>1</B></xml>",
      "<xml></xml><xml></xml>",
      "<xml></xml>trailing",
      "<xml><A><![CDATA[open</A></xml>",
      "<xml><!-- open </xml>",
      "<xml><A>&amp</A></xml>",
      "<xml><A>&#;</A></xml>",
      "<xml><A>&#0;</A></xml>",
      "<xml><A>&#xD800;</A></xml>",
      "<xml><A>&#x110000;</A></xml>",
      "<xml><A>&#123456789;</A></xml>",
      "<xml><A>&#x12g;</A></xml>",
      "<xml a=1></xml>",
      "<xml a=\"1\"b=\"2\"></xml>",
      "<xml a=\"<\"></xml>",
      "<xml a></xml>",
      "<1xml></1xml>",
      "< xml></xml>",
      "<xml></ xml>",
      "<xml",
      "<?xml version=\"1.0\"",
  };
  for (const char* doc : bad) {
    auto parsed = ParseXml(doc);
    EXPECT_FALSE(parsed.ok()) << "accepted: " << doc;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << doc;
    }
  }
}

TEST(XmlTest, EnforcesDepthLimit) {
  XmlLimits limits;
  limits.max_depth = 3;
  EXPECT_TRUE(ParseXml("<a><b><c>x</c></b></a>", limits).ok());
  auto deep = ParseXml("<a><b><c><d>x</d></c></b></a>", limits);
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.status().message().find("deeper"), std::string::npos);

  // The default limit stops a hostile nesting long before the stack could.
  std::string nested;
  for (int i = 0; i < 100000; ++i) nested += "<a>";
  EXPECT_FALSE(ParseXml(nested).ok());
}

TEST(XmlTest, EnforcesElementAndSizeLimits) {
  XmlLimits limits;
  limits.max_elements = 3;
  EXPECT_TRUE(ParseXml("<xml><A/><B/></xml>", limits).ok());
  EXPECT_FALSE(ParseXml("<xml><A/><B/><C/></xml>", limits).ok());

  limits = XmlLimits{};
  limits.max_bytes = 19;
  EXPECT_TRUE(ParseXml("<xml><A>1</A></xml>", limits).ok());  // 19 bytes
  EXPECT_FALSE(ParseXml("<xml><A>12</A></xml>", limits).ok());
}

TEST(XmlTest, ErrorNamesTheMismatch) {
  auto doc = ParseXml("<xml><A>1</B></xml>");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().message(), "xml: </B> does not close <A> at byte 12");
}

}  // namespace
}  // namespace routerd::adapters
