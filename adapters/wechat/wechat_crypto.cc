#include "wechat/wechat_crypto.h"

#include <cstdint>

#include "common/aes_cbc.h"
#include "common/encoding.h"

namespace routerd::adapters::wechat {
namespace {

constexpr std::string_view kBase64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::size_t kEncodingAesKeyChars = 43;
constexpr std::size_t kPadBlock = 32;  // WeChat's PKCS#7 block size, not AES's 16
constexpr std::size_t kRandomBytes = 16;
constexpr std::size_t kLengthBytes = 4;

}  // namespace

StatusOr<std::string> DecodeEncodingAesKey(std::string_view encoding_aes_key) {
  if (encoding_aes_key.size() != kEncodingAesKeyChars) {
    return Status::InvalidArgument("EncodingAESKey must be 43 characters");
  }
  std::string key;
  key.reserve(kAes256KeyBytes);
  std::uint32_t bits = 0;
  int bit_count = 0;
  for (char c : encoding_aes_key) {
    size_t v = kBase64Alphabet.find(c);
    if (v == std::string_view::npos) return Status::InvalidArgument("EncodingAESKey must be base64 characters");
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      key.push_back(static_cast<char>((bits >> bit_count) & 0xff));
    }
  }
  // 43 * 6 = 258 bits: 32 bytes and two bits that are dropped.
  return key;
}

StatusOr<std::string> DecryptMessage(std::string_view aes_key, std::string_view encrypt,
                                     std::string_view expected_receive_id) {
  std::optional<std::string> ciphertext = Base64Decode(encrypt);
  if (!ciphertext.has_value()) return Status::InvalidArgument("Encrypt is not valid base64");
  if (ciphertext->empty() || ciphertext->size() % kAesBlockBytes != 0) {
    return Status::InvalidArgument("Encrypt is not a whole number of AES blocks");
  }
  auto plain = Aes256CbcDecryptNoPadding(aes_key, aes_key.substr(0, kAesBlockBytes), *ciphertext);
  if (!plain.ok()) return plain.status();

  std::string_view text(*plain);
  const auto pad = static_cast<unsigned char>(text.back());
  if (pad < 1 || pad > kPadBlock || pad > text.size()) {
    return Status::Unauthenticated("bad padding after decryption");
  }
  for (size_t i = text.size() - pad; i < text.size(); ++i) {
    if (static_cast<unsigned char>(text[i]) != pad) return Status::Unauthenticated("bad padding after decryption");
  }
  text.remove_suffix(pad);
  if (text.size() < kRandomBytes + kLengthBytes) return Status::Unauthenticated("decrypted message too short");
  const auto* len_bytes = reinterpret_cast<const unsigned char*>(text.data() + kRandomBytes);
  const std::uint32_t msg_len = std::uint32_t{len_bytes[0]} << 24 | std::uint32_t{len_bytes[1]} << 16 |
                                std::uint32_t{len_bytes[2]} << 8 | std::uint32_t{len_bytes[3]};
  text.remove_prefix(kRandomBytes + kLengthBytes);
  if (msg_len > text.size()) return Status::Unauthenticated("decrypted length field exceeds the message");
  std::string_view msg = text.substr(0, msg_len);
  std::string_view receive_id = text.substr(msg_len);
  if (receive_id != expected_receive_id) {
    return Status::Unauthenticated("decrypted message is for another app id");
  }
  return std::string(msg);
}

}  // namespace routerd::adapters::wechat
