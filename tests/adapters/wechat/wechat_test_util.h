// Test helpers for the WeChat adapter: fixtures, safe-mode encryption (the
// mirror image of the adapter's decryption, built on OpenSSL directly so that
// it does not share code with what it tests), and query strings.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace routerd::adapters::wechat::testing {

// Reads tests/fixtures/<relative_path>; fails the test if it is missing.
std::string ReadFixture(std::string_view relative_path);

// AES-256-CBC over random(16) | len (BE) | msg | receive_id, padded with
// PKCS#7 over 32-byte blocks (or with `pad_override` bytes of that value when
// it is >= 0, to build bad padding), then base64.
std::string EncryptForTest(std::string_view key32, std::string_view random16, std::string_view msg,
                           std::string_view receive_id, int pad_override = -1);

// AES-256-CBC (key and IV as WeChat derives them) over `plain`, which must
// be a multiple of 16 bytes, then base64.
std::string EncryptRawForTest(std::string_view key32, std::string_view plain);

// "a=b&c=d" with percent-encoding of everything but unreserved characters.
std::string Query(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace routerd::adapters::wechat::testing
