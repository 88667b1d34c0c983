#include "email/email_signature.h"

#include <gtest/gtest.h>

namespace routerd::adapters::email {
namespace {

constexpr std::string_view kKey = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0";
constexpr std::string_view kTimestamp = "1403645220";
constexpr std::string_view kToken = "5egbgr1vjgqxtrnp65xfznchgdccwh5d6i09vijqi3whgowmn6";
constexpr std::string_view kSignature = "9cfc5c41582e51246e73c88d34db3af0a3a2692a76fbab81492842f000256d33";

TEST(MailgunSignatureTest, PublishedVector) {
  EXPECT_EQ(MailgunSignature(kKey, kTimestamp, kToken), kSignature);
  EXPECT_TRUE(VerifyMailgunSignature(kKey, kTimestamp, kToken, kSignature));
}

TEST(MailgunSignatureTest, AcceptsUpperCaseHex) {
  EXPECT_TRUE(VerifyMailgunSignature(kKey, kTimestamp, kToken,
                                     "9CFC5C41582E51246E73C88D34DB3AF0A3A2692A76FBAB81492842F000256D33"));
}

TEST(MailgunSignatureTest, RejectsAnyDifference) {
  EXPECT_FALSE(VerifyMailgunSignature("key-other", kTimestamp, kToken, kSignature));
  EXPECT_FALSE(VerifyMailgunSignature(kKey, "1403645221", kToken, kSignature));
  EXPECT_FALSE(VerifyMailgunSignature(kKey, kTimestamp, "5egbgr1vjgqxtrnp65xfznchgdccwh5d6i09vijqi3whgowmn7",
                                      kSignature));
  EXPECT_FALSE(VerifyMailgunSignature(kKey, kTimestamp, kToken,
                                      "9cfc5c41582e51246e73c88d34db3af0a3a2692a76fbab81492842f000256d34"));
  EXPECT_FALSE(VerifyMailgunSignature(kKey, kTimestamp, kToken, kSignature.substr(1)));
  EXPECT_FALSE(VerifyMailgunSignature(kKey, kTimestamp, kToken, ""));
  EXPECT_FALSE(VerifyMailgunSignature(kKey, "", kToken, kSignature));
  EXPECT_FALSE(VerifyMailgunSignature(kKey, kTimestamp, "", kSignature));
  // The separator matters: timestamp and token are concatenated as is.
  EXPECT_NE(MailgunSignature(kKey, "1403645220.", kToken), kSignature);
}

}  // namespace
}  // namespace routerd::adapters::email
