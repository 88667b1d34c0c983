#include "facebook/facebook_signature.h"

#include <gtest/gtest.h>

#include "tests/adapters/common/adapter_test_util.h"

namespace routerd::adapters::facebook {
namespace {

using testing::ReadFixture;
using testing::TestRequest;

constexpr char kSha256[] = "sha256=0a04ea4322b419f38a84145cd2c7ff52c3c8f579979fb2b5fe0d67d21ec6252e";
constexpr char kSha1[] = "sha1=be3c2a00cf2b6b0bc4b59b65479aa75626aaa279";

// channels.md §6.5 (computed), secret test_app_secret.
TEST(MessengerSignatureTest, Vectors) {
  const std::string body = ReadFixture("facebook", "text_message.json");
  EXPECT_EQ(MessengerSignature256("test_app_secret", body), kSha256);
  EXPECT_EQ(MessengerSignatureSha1("test_app_secret", body), kSha1);
}

TEST(MessengerSignatureTest, HeaderPreference) {
  TestRequest r;
  r.body = ReadFixture("facebook", "text_message.json");
  EXPECT_EQ(VerifyMessengerSignature(r.View(), "test_app_secret"), SignatureCheck::kMissing);

  r.Header("X-Hub-Signature", kSha1);
  EXPECT_EQ(VerifyMessengerSignature(r.View(), "test_app_secret"), SignatureCheck::kValid);  // legacy only
  EXPECT_EQ(VerifyMessengerSignature(r.View(), "other"), SignatureCheck::kMismatch);

  r.Header("X-Hub-Signature-256", kSha256);
  EXPECT_EQ(VerifyMessengerSignature(r.View(), "test_app_secret"), SignatureCheck::kValid);

  // A wrong SHA-256 header is not rescued by a right SHA-1 one.
  r.headers[1].second = "sha256=" + std::string(64, '0');
  EXPECT_EQ(VerifyMessengerSignature(r.View(), "test_app_secret"), SignatureCheck::kMismatch);
}

TEST(MessengerSignatureTest, VerificationGet) {
  TestRequest r;
  r.method = "GET";
  r.query = "hub.mode=subscribe&hub.verify_token=tok&hub.challenge=CHALLENGE";
  EXPECT_EQ(HandleVerification(r.View(), "tok").response.body, "CHALLENGE");
  EXPECT_EQ(HandleVerification(r.View(), "tok2").response.status, 403);
}

}  // namespace
}  // namespace routerd::adapters::facebook
