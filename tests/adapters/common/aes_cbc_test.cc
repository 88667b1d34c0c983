#include "common/aes_cbc.h"

#include <gtest/gtest.h>

#include <string>

#include "common/encoding.h"

namespace routerd::adapters {
namespace {

std::string Hex(std::string_view hex) { return HexDecode(hex).value(); }

// NIST SP 800-38A, F.2.6 CBC-AES256.Decrypt.
constexpr std::string_view kNistKey = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4";
constexpr std::string_view kNistIv = "000102030405060708090a0b0c0d0e0f";
constexpr std::string_view kNistCipher =
    "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
    "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b";
constexpr std::string_view kNistPlain =
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";

TEST(Aes256CbcTest, NistVector) {
  auto plain = Aes256CbcDecryptNoPadding(Hex(kNistKey), Hex(kNistIv), Hex(kNistCipher));
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(HexEncode(*plain), kNistPlain);
}

TEST(Aes256CbcTest, SingleBlock) {
  auto plain = Aes256CbcDecryptNoPadding(Hex(kNistKey), Hex(kNistIv), Hex(kNistCipher.substr(0, 32)));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(HexEncode(*plain), kNistPlain.substr(0, 32));
}

// channels.md W4: the library padding must be off, because the 32-byte PKCS#7
// pad here is 21 bytes, more than one AES block.
TEST(Aes256CbcTest, WeChatW4KeepsPadding) {
  const std::string key = Hex("69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d0010831051");
  const std::string cipher =
      Base64Decode(
          "rTNFcsut4LfGuAFKEUVVpwcaCOTJzOd9twZdIW910jb3k+iicx2uvhttIZ3Qg9Qgty3BEF2xbOrz6boTfb30dMomcgrkTqdFPwnhqbk+"
          "kIQ7rZiwny9D7NUrTgA5kpX3KsZvrXzUZyP2x9YOlxbgm572lmxKvM7HAQQhIQ/p6HBmoY30bGXFK0BtIu1pW9TjhOYrLQoU18nWYjWqDA1y"
          "nkmOytpv7QRI1P1+0NoxL0q2zO1DgeSvnE8CZGo/o5Ap/WHK5W2RAsinpzN4/LjPnmB6U01I5XCoJoC0GK/yMZycd2Oh8Nq6+wBkC1U85oy0"
          "ktOY4nLvsQMLrourmMGdZHuTbqpeJ8Ao/5PRYJ+WBvRUwPfGKBL2+2IKZF49vAJqkcGWSHGE76ZN2erXeuNazf/o9o3lIE3q739o4c8t9QGP"
          "e31GT2Go/rOz1BsrASwvauNulCh+++yz+CQzBIuikA==")
          .value();
  ASSERT_EQ(cipher.size(), 352u);
  auto plain = Aes256CbcDecryptNoPadding(key, std::string_view(key).substr(0, 16), cipher);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  ASSERT_EQ(plain->size(), 352u);
  EXPECT_EQ(plain->substr(0, 16), "d43123b161a4ba84");
  EXPECT_EQ(HexEncode(plain->substr(16, 4)), "00000125");  // 293, big-endian
  EXPECT_EQ(static_cast<unsigned char>(plain->back()), 21);
  EXPECT_EQ(plain->substr(352 - 21 - 18, 18), "wxb11529c136998cb6");
}

TEST(Aes256CbcTest, ReusesThreadContextAcrossKeys) {
  const std::string other_key(32, 'k');
  auto first = Aes256CbcDecryptNoPadding(other_key, Hex(kNistIv), Hex(kNistCipher));
  ASSERT_TRUE(first.ok());
  EXPECT_NE(HexEncode(*first), kNistPlain);
  auto second = Aes256CbcDecryptNoPadding(Hex(kNistKey), Hex(kNistIv), Hex(kNistCipher));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(HexEncode(*second), kNistPlain);
}

TEST(Aes256CbcTest, WrongKeyGivesDifferentBytesNotAnError) {
  std::string key = Hex(kNistKey);
  key[0] ^= 1;
  auto plain = Aes256CbcDecryptNoPadding(key, Hex(kNistIv), Hex(kNistCipher));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->size(), 64u);
  EXPECT_NE(HexEncode(*plain), kNistPlain);
}

TEST(Aes256CbcTest, RejectsBadSizes) {
  const std::string key = Hex(kNistKey);
  const std::string iv = Hex(kNistIv);
  const std::string cipher = Hex(kNistCipher);
  EXPECT_EQ(Aes256CbcDecryptNoPadding(key.substr(0, 31), iv, cipher).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Aes256CbcDecryptNoPadding(key + "x", iv, cipher).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Aes256CbcDecryptNoPadding(key, iv.substr(0, 15), cipher).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Aes256CbcDecryptNoPadding(key, iv, "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Aes256CbcDecryptNoPadding(key, iv, cipher.substr(0, 17)).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace routerd::adapters
