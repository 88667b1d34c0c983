#include "x/x_signature.h"

#include <gtest/gtest.h>

namespace routerd::adapters::x {
namespace {

// channels.md §2.5 (Zammad spec, consumer secret "DDD").
TEST(XSignatureTest, CrcVector) {
  EXPECT_EQ(XSignature("DDD", "some_random"), "sha256=VE19eUk6krbdSqWPdvH71xtFhApBAU81uPW3UT65vOs=");
  EXPECT_EQ(CrcResponseBody("DDD", "some_random"),
            R"({"response_token":"sha256=VE19eUk6krbdSqWPdvH71xtFhApBAU81uPW3UT65vOs="})");
}

TEST(XSignatureTest, BodyVectors) {
  EXPECT_EQ(XSignature("DDD", R"({"for_user_id":123,"key":"value"})"),
            "sha256=JjEmBe1lVKT8XldrYUKibF+D5ehp8f0jDk3PXZSHEWI=");
  EXPECT_EQ(XSignature("DDD", R"({"key":"value"})"), "sha256=EERHBy/k17v+SuT+K0OXuwhJtKnPtxi0n/Y4Wye4kVU=");
  EXPECT_EQ(XSignature("DDD", R"({"for_user_id":"not_existing","key":"value"})"),
            "sha256=QaJiQl/4WRp/GF37b+eAdF6kPgptjDCLOgAIIbB1s0I=");
  EXPECT_TRUE(VerifyXSignature("sha256=JjEmBe1lVKT8XldrYUKibF+D5ehp8f0jDk3PXZSHEWI=", "DDD",
                               R"({"for_user_id":123,"key":"value"})"));
  EXPECT_TRUE(VerifyXSignature("sha256=EERHBy/k17v+SuT+K0OXuwhJtKnPtxi0n/Y4Wye4kVU=", "DDD", R"({"key":"value"})"));
}

// channels.md §2.5, Twitter DevRel gist (computed).
TEST(XSignatureTest, GistCrcVector) {
  EXPECT_EQ(XSignature("z3ZX4v7mAAUGykl3EcmkqbartmuW8VFOOzCloLx9Q45P0hLrFu", "9b4507b3-9040-4669-9ca3-6b94edb50553"),
            "sha256=Cytd4Sq+NvEcV3MMrXxWJGJx5A+y/lXzzU2Maartkx8=");
}

TEST(XSignatureTest, RejectsWrongOrMalformedSignatures) {
  const std::string body = R"({"key":"value"})";
  EXPECT_FALSE(VerifyXSignature("sha256=EERHBy/k17v+SuT+K0OXuwhJtKnPtxi0n/Y4Wye4kVU=", "DDE", body));
  EXPECT_FALSE(VerifyXSignature("sha256=EERHBy/k17v+SuT+K0OXuwhJtKnPtxi0n/Y4Wye4kVU=", "DDD", body + " "));
  EXPECT_FALSE(VerifyXSignature("EERHBy/k17v+SuT+K0OXuwhJtKnPtxi0n/Y4Wye4kVU=", "DDD", body));  // no prefix
  EXPECT_FALSE(VerifyXSignature("sha256=EERHBy/k17v+SuT+K0OXuwhJtKnPtxi0n/Y4Wye4kVU", "DDD", body));  // no padding
  EXPECT_FALSE(VerifyXSignature("sha256=EERHBy_k17v-SuT-K0OXuwhJtKnPtxi0n_Y4Wye4kVU=", "DDD", body));  // URL-safe
  EXPECT_FALSE(VerifyXSignature("sha256=", "DDD", body));
  EXPECT_FALSE(VerifyXSignature("sha256=AAAA", "DDD", body));  // wrong length
  EXPECT_FALSE(VerifyXSignature("", "DDD", body));
}

}  // namespace
}  // namespace routerd::adapters::x
