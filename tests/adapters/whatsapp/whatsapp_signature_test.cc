#include "whatsapp/whatsapp_signature.h"

#include <gtest/gtest.h>

#include "tests/adapters/common/adapter_test_util.h"

namespace routerd::adapters::whatsapp {
namespace {

using testing::ReadFixture;

// channels.md §5.6: hexdocs WhatsApp.Webhook.compute_signature("test", "secret").
TEST(WhatsAppSignatureTest, ComputeSignatureVector) {
  EXPECT_EQ(WhatsAppSignature("secret", "test"),
            "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914");
}

// channels.md §5.6: the official example body, compacted, secret test_app_secret.
TEST(WhatsAppSignatureTest, OfficialExampleBodyVector) {
  const std::string body = ReadFixture("whatsapp", "official_text.json");
  EXPECT_EQ(WhatsAppSignature("test_app_secret", body),
            "sha256=ded1d1d9621cffa39832ccf2b330fa476b4dc8ec2a5d102e1e554312b3f21d42");
  EXPECT_TRUE(VerifyWhatsAppSignature("sha256=ded1d1d9621cffa39832ccf2b330fa476b4dc8ec2a5d102e1e554312b3f21d42",
                                      "test_app_secret", body));
  EXPECT_TRUE(VerifyWhatsAppSignature("sha256=DED1D1D9621CFFA39832CCF2B330FA476B4DC8EC2A5D102E1E554312B3F21D42",
                                      "test_app_secret", body));
  EXPECT_FALSE(VerifyWhatsAppSignature("sha256=ded1d1d9621cffa39832ccf2b330fa476b4dc8ec2a5d102e1e554312b3f21d42",
                                       "wrong_secret", body));
}

// Meta signs the escaped form it sends; re-serializing (unescaping) would
// change the bytes and break the signature.
TEST(WhatsAppSignatureTest, HashesEscapedBytesAsReceived) {
  const std::string escaped = R"({"text":"\u00bfQu\u00e9?"})";
  const std::string unescaped = "{\"text\":\"\xc2\xbfQu\xc3\xa9?\"}";
  const std::string signature = WhatsAppSignature("s", escaped);
  EXPECT_TRUE(VerifyWhatsAppSignature(signature, "s", escaped));
  EXPECT_FALSE(VerifyWhatsAppSignature(signature, "s", unescaped));
}

TEST(WhatsAppSignatureTest, VerificationGet) {
  ::routerd::adapters::testing::TestRequest r;
  r.method = "GET";
  r.query = "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatpie";
  WebhookOutcome ok = HandleVerification(r.View(), "meatpie");
  EXPECT_EQ(ok.response.status, 200);
  EXPECT_EQ(ok.response.body, "1158201444");
  WebhookOutcome bad = HandleVerification(r.View(), "other");
  EXPECT_EQ(bad.response.status, 403);
  EXPECT_EQ(bad.rejection, WebhookRejection::kBadHandshake);
}

}  // namespace
}  // namespace routerd::adapters::whatsapp
