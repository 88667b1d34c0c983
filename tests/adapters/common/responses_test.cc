#include "common/responses.h"

#include <gtest/gtest.h>

namespace routerd::adapters {
namespace {

TEST(RejectTest, BuildsJsonErrorBody) {
  WebhookOutcome outcome = Reject(401, WebhookRejection::kBadSignature, "bad_signature", "signature mismatch");
  EXPECT_EQ(outcome.response.status, 401);
  EXPECT_EQ(outcome.rejection, WebhookRejection::kBadSignature);
  EXPECT_EQ(outcome.response.content_type, "application/json");
  EXPECT_EQ(outcome.response.body, R"({"error":"bad_signature","detail":"signature mismatch"})");
  EXPECT_TRUE(outcome.contacts.empty());
  EXPECT_TRUE(outcome.ignored.empty());
}

TEST(RejectTest, EscapesJson) {
  WebhookOutcome outcome = Reject(400, WebhookRejection::kMalformed, "malformed", "field 'a\"b'\n\\\x01");
  EXPECT_EQ(outcome.response.body, R"({"error":"malformed","detail":"field 'a\"b'\n\\\u0001"})");
}

TEST(OkTest, TextAndJson) {
  WebhookResponse text = OkText("challenge");
  EXPECT_EQ(text.status, 200);
  EXPECT_EQ(text.content_type, "text/plain");
  EXPECT_EQ(text.body, "challenge");
  WebhookResponse json = OkJson(R"({"a":1})");
  EXPECT_EQ(json.status, 200);
  EXPECT_EQ(json.content_type, "application/json");
  EXPECT_EQ(json.body, R"({"a":1})");
}

}  // namespace
}  // namespace routerd::adapters
