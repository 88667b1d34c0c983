#include "wechat_test_util.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <fstream>
#include <sstream>

#include "common/encoding.h"

namespace routerd::adapters::wechat::testing {

std::string ReadFixture(std::string_view relative_path) {
  const std::string path = std::string(ROUTERD_FIXTURES_DIR) + "/" + std::string(relative_path);
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << path;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string EncryptForTest(std::string_view key32, std::string_view random16, std::string_view msg,
                           std::string_view receive_id, int pad_override) {
  std::string plain(random16);
  const auto len = static_cast<std::uint32_t>(msg.size());
  plain.push_back(static_cast<char>(len >> 24));
  plain.push_back(static_cast<char>((len >> 16) & 0xff));
  plain.push_back(static_cast<char>((len >> 8) & 0xff));
  plain.push_back(static_cast<char>(len & 0xff));
  plain.append(msg).append(receive_id);
  const size_t pad = 32 - plain.size() % 32;
  plain.append(pad, static_cast<char>(pad_override >= 0 ? pad_override : static_cast<int>(pad)));
  return EncryptRawForTest(key32, plain);
}

std::string EncryptRawForTest(std::string_view key32, std::string_view plain) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  std::string out(plain.size(), '\0');
  int n = 0;
  int f = 0;
  EXPECT_EQ(EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), nullptr,
                               reinterpret_cast<const unsigned char*>(key32.data()),
                               reinterpret_cast<const unsigned char*>(key32.data())),
            1);
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  EXPECT_EQ(EVP_EncryptUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &n,
                              reinterpret_cast<const unsigned char*>(plain.data()), static_cast<int>(plain.size())),
            1);
  EXPECT_EQ(EVP_EncryptFinal_ex(ctx, reinterpret_cast<unsigned char*>(out.data()) + n, &f), 1);
  EVP_CIPHER_CTX_free(ctx);
  out.resize(static_cast<size_t>(n + f));
  return Base64Encode(out);
}

std::string Query(const std::vector<std::pair<std::string, std::string>>& params) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  auto encode = [](const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == '.' || c == '~') {
        out.push_back(static_cast<char>(c));
      } else {
        out.push_back('%');
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
      }
    }
    return out;
  };
  std::string query;
  for (const auto& [name, value] : params) {
    if (!query.empty()) query.push_back('&');
    query += encode(name) + "=" + encode(value);
  }
  return query;
}

}  // namespace routerd::adapters::wechat::testing
