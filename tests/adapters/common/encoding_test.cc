#include "common/encoding.h"

#include <gtest/gtest.h>

#include <string>

namespace routerd::adapters {
namespace {

TEST(HexTest, EncodesLowercase) {
  EXPECT_EQ(HexEncode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
  EXPECT_EQ(HexEncode(""), "");
}

TEST(HexTest, DecodesBothCases) {
  EXPECT_EQ(HexDecode("0001abff"), std::string("\x00\x01\xab\xff", 4));
  EXPECT_EQ(HexDecode("0001ABFF"), std::string("\x00\x01\xab\xff", 4));
  EXPECT_EQ(HexDecode("aBcD"), std::string("\xab\xcd", 2));
  EXPECT_EQ(HexDecode(""), std::string());
}

TEST(HexTest, RejectsOddLengthAndNonHex) {
  EXPECT_EQ(HexDecode("abc"), std::nullopt);
  EXPECT_EQ(HexDecode("zz"), std::nullopt);
  EXPECT_EQ(HexDecode("0g"), std::nullopt);
  EXPECT_EQ(HexDecode(" 00"), std::nullopt);
  EXPECT_EQ(HexDecode("00 "), std::nullopt);
  EXPECT_EQ(HexDecode(std::string("0\0", 2)), std::nullopt);
}

TEST(HexTest, RoundTripsAllByteValues) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(HexDecode(HexEncode(all)), all);
}

// RFC 4648 §10.
TEST(Base64Test, Rfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Decode(""), std::string());
  EXPECT_EQ(Base64Decode("Zg=="), "f");
  EXPECT_EQ(Base64Decode("Zm8="), "fo");
  EXPECT_EQ(Base64Decode("Zm9v"), "foo");
  EXPECT_EQ(Base64Decode("Zm9vYg=="), "foob");
  EXPECT_EQ(Base64Decode("Zm9vYmE="), "fooba");
  EXPECT_EQ(Base64Decode("Zm9vYmFy"), "foobar");
}

TEST(Base64Test, UsesStandardAlphabet) {
  EXPECT_EQ(Base64Encode(std::string("\xfb\xff\xbf", 3)), "+/+/");
  EXPECT_EQ(Base64Decode("+/+/"), std::string("\xfb\xff\xbf", 3));
}

TEST(Base64Test, RoundTripsAllLengths) {
  std::string data;
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(Base64Decode(Base64Encode(data)), data) << "length " << i;
    data.push_back(static_cast<char>(i * 37 + 11));
  }
}

TEST(Base64Test, RejectsMalformedInput) {
  EXPECT_EQ(Base64Decode("Zg"), std::nullopt);        // no padding
  EXPECT_EQ(Base64Decode("Zg="), std::nullopt);       // short padding
  EXPECT_EQ(Base64Decode("Zm9v\n"), std::nullopt);    // whitespace
  EXPECT_EQ(Base64Decode("Zm 9"), std::nullopt);
  EXPECT_EQ(Base64Decode("-_-_"), std::nullopt);      // URL-safe alphabet
  EXPECT_EQ(Base64Decode("Zg==Zm9v"), std::nullopt);  // padding in the middle
  EXPECT_EQ(Base64Decode("Z==="), std::nullopt);
  EXPECT_EQ(Base64Decode("===="), std::nullopt);
  EXPECT_EQ(Base64Decode("Zm=v"), std::nullopt);
  EXPECT_EQ(Base64Decode("Zh=="), std::nullopt);      // non-zero trailing bits
  EXPECT_EQ(Base64Decode("Zm9="), std::nullopt);
}

}  // namespace
}  // namespace routerd::adapters
