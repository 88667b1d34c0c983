#include "routerd/webhook.h"
#include "routerd/text_encoding.h"

#include <gtest/gtest.h>

namespace routerd {
namespace {

TEST(WebhookRequestTest, HeaderLookupIgnoresCase) {
  HeaderView headers[] = {{"X-Hub-Signature-256", "sha256=ab"}, {"content-type", "application/json"}};
  WebhookRequest r;
  r.headers = headers;
  EXPECT_EQ(r.Header("x-hub-signature-256"), "sha256=ab");
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  EXPECT_EQ(r.Header("missing"), "");
}

TEST(WebhookRequestTest, QueryParamsAreDecoded) {
  WebhookRequest r;
  r.query = "hub.mode=subscribe&hub.verify_token=a%2Bb+c&hub.challenge=123&flag";
  EXPECT_EQ(r.QueryParam("hub.mode"), "subscribe");
  EXPECT_EQ(r.QueryParam("hub.verify_token"), "a+b c");
  EXPECT_EQ(r.QueryParam("hub.challenge"), "123");
  EXPECT_TRUE(r.HasQueryParam("flag"));
  EXPECT_FALSE(r.HasQueryParam("nope"));
  EXPECT_EQ(r.QueryParam("nope"), "");
}

TEST(WebhookRequestTest, MalformedPercentEscapesStayLiteral) {
  WebhookRequest r;
  r.query = "a=%zz&b=%4";
  EXPECT_EQ(r.QueryParam("a"), "%zz");
  EXPECT_EQ(r.QueryParam("b"), "%4");
}

}  // namespace
}  // namespace routerd

namespace routerd {
namespace {

TEST(TextEncodingTest, FormComponentsDecodeOnceAndRefuseMalformedEscapes) {
  EXPECT_EQ(DecodeFormComponent("a%2Bb+c%41%7e").value(), "a+b cA~");
  EXPECT_EQ(DecodeFormComponent("").value(), "");
  EXPECT_EQ(DecodeFormComponent("%2541").value(), "%41");  // decoded once, not twice
  for (std::string_view bad : {"%", "%4", "%zz", "a%g1", "%%"}) {
    StatusOr<std::string> d = DecodeFormComponent(bad);
    EXPECT_FALSE(d.ok()) << bad;
    EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(TextEncodingTest, JsonStringsEscapeQuotesBackslashesAndControlCharacters) {
  std::string out;
  AppendJsonString(out, std::string_view("a\"b\\c\n\r\t\x01\x1f\x7f\xc3\xa9", 13));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u001f\x7f\xc3\xa9\"");
}

}  // namespace
}  // namespace routerd
