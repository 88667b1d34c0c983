#include "common/meta_hub.h"

#include <gtest/gtest.h>

#include <string>

namespace routerd::adapters {
namespace {

WebhookRequest Get(std::string_view query) {
  WebhookRequest r;
  r.method = "GET";
  r.query = query;
  return r;
}

TEST(HubVerificationTest, EchoesChallengeVerbatim) {
  WebhookOutcome o =
      HandleHubVerification(Get("hub.mode=subscribe&hub.verify_token=tok&hub.challenge=1158201444"), "tok");
  EXPECT_EQ(o.rejection, WebhookRejection::kNone);
  EXPECT_EQ(o.response.status, 200);
  EXPECT_EQ(o.response.content_type, "text/plain");
  EXPECT_EQ(o.response.body, "1158201444");
}

TEST(HubVerificationTest, DecodesQueryValues) {
  WebhookOutcome o =
      HandleHubVerification(Get("hub.challenge=a%2Bb&hub.verify_token=my%20token&hub.mode=subscribe"), "my token");
  EXPECT_EQ(o.response.status, 200);
  EXPECT_EQ(o.response.body, "a+b");
}

TEST(HubVerificationTest, RejectsWrongTokenModeOrMissingChallenge) {
  for (std::string_view q : {"hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1",
                             "hub.mode=unsubscribe&hub.verify_token=tok&hub.challenge=1",
                             "hub.verify_token=tok&hub.challenge=1", "hub.mode=subscribe&hub.challenge=1",
                             "hub.mode=subscribe&hub.verify_token=tok", ""}) {
    WebhookOutcome o = HandleHubVerification(Get(q), "tok");
    EXPECT_EQ(o.response.status, 403) << q;
    EXPECT_EQ(o.rejection, WebhookRejection::kBadHandshake) << q;
    EXPECT_EQ(o.response.body,
              R"({"error":"verification_failed","detail":"hub.mode must be subscribe and hub.verify_token must match"})");
  }
}

// channels.md §5.6 and §6.5.
TEST(HubSignatureTest, PublishedVectors) {
  EXPECT_EQ(HubSignature256("secret", "test"),
            "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914");
  const std::string body =
      R"({"object":"page","entry":[{"id":"682498302938465","time":1458692752478,"messaging":[{"sender":{"id":"1254459154682919"},"recipient":{"id":"682498302938465"},"timestamp":1458692752478,"message":{"mid":"mid.1457764197618:41d102a3e1ae206a38","text":"hello, world!"}}]}]})";
  EXPECT_EQ(HubSignature256("test_app_secret", body),
            "sha256=0a04ea4322b419f38a84145cd2c7ff52c3c8f579979fb2b5fe0d67d21ec6252e");
  EXPECT_EQ(HubSignatureSha1("test_app_secret", body), "sha1=be3c2a00cf2b6b0bc4b59b65479aa75626aaa279");
  EXPECT_TRUE(VerifyHubSignature256(
      "sha256=0a04ea4322b419f38a84145cd2c7ff52c3c8f579979fb2b5fe0d67d21ec6252e", "test_app_secret", body));
  EXPECT_TRUE(VerifyHubSignatureSha1("sha1=be3c2a00cf2b6b0bc4b59b65479aa75626aaa279", "test_app_secret", body));
}

TEST(HubSignatureTest, UppercaseHexAccepted) {
  EXPECT_TRUE(VerifyHubSignature256(
      "sha256=0329A06B62CD16B33EB6792BE8C60B158D89A2EE3A876FCE9A881EBB488C0914", "secret", "test"));
}

TEST(HubSignatureTest, Rejects) {
  const std::string good = HubSignature256("secret", "test");
  EXPECT_FALSE(VerifyHubSignature256(good, "other", "test"));
  EXPECT_FALSE(VerifyHubSignature256(good, "secret", "test "));
  EXPECT_FALSE(VerifyHubSignature256(good.substr(7), "secret", "test"));  // no prefix
  EXPECT_FALSE(VerifyHubSignature256("sha1=" + good.substr(7), "secret", "test"));
  EXPECT_FALSE(VerifyHubSignature256(good.substr(0, good.size() - 2), "secret", "test"));
  EXPECT_FALSE(VerifyHubSignature256(good + "00", "secret", "test"));
  EXPECT_FALSE(VerifyHubSignature256("sha256=", "secret", "test"));
  EXPECT_FALSE(VerifyHubSignature256("", "secret", "test"));
  EXPECT_FALSE(VerifyHubSignatureSha1(HubSignatureSha1("secret", "test"), "secret", "tesT"));
}

}  // namespace
}  // namespace routerd::adapters
