#include "bench/loadgen/signing.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <memory>
#include <vector>

namespace routerd::loadgen {
namespace {

std::string Mac(const EVP_MD* md, std::string_view key, std::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string Digest(const EVP_MD* md, std::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(message.data(), message.size(), out, &len, md, nullptr);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string SortedSha1Hex(std::vector<std::string_view> parts) {
  // std::string_view compares as unsigned bytes (char_traits<char>::compare
  // is memcmp), which is the C-locale order WeChat specifies.
  std::sort(parts.begin(), parts.end());
  std::string joined;
  for (std::string_view p : parts) joined.append(p);
  return Hex(Sha1(joined));
}

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};

constexpr std::size_t kWeChatBlock = 32;  // PKCS#7 block size WeChat pads to (not AES's 16)

}  // namespace

std::string HmacSha256(std::string_view key, std::string_view message) { return Mac(EVP_sha256(), key, message); }
std::string HmacSha1(std::string_view key, std::string_view message) { return Mac(EVP_sha1(), key, message); }
std::string Sha256(std::string_view message) { return Digest(EVP_sha256(), message); }
std::string Sha1(std::string_view message) { return Digest(EVP_sha1(), message); }

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

StatusOr<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return Status::InvalidArgument("base64: length is not a multiple of 4");
  std::string out(3 * (text.size() / 4), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return Status::InvalidArgument("base64: invalid character");
  // EVP_DecodeBlock keeps the zero bytes that stand for '=' padding.
  std::size_t pad = 0;
  if (!text.empty() && text.back() == '=') ++pad;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

std::string UrlEncode(std::string_view s) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() + s.size() / 4);
  for (unsigned char c : s) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 15]);
    }
  }
  return out;
}

std::string MetaSignature256(std::string_view app_secret, std::string_view body) {
  return "sha256=" + Hex(HmacSha256(app_secret, body));
}

std::string MetaSignature1(std::string_view app_secret, std::string_view body) {
  return "sha1=" + Hex(HmacSha1(app_secret, body));
}

std::string LineSignature(std::string_view channel_secret, std::string_view body) {
  return Base64(HmacSha256(channel_secret, body));
}

std::string XSignature(std::string_view consumer_secret, std::string_view message) {
  return "sha256=" + Base64(HmacSha256(consumer_secret, message));
}

std::string WebSignature(std::string_view secret, std::string_view timestamp, std::string_view body) {
  std::string signed_text;
  signed_text.reserve(timestamp.size() + 1 + body.size());
  signed_text.append(timestamp).append(".").append(body);
  return "sha256=" + Hex(HmacSha256(secret, signed_text));
}

std::string MailgunSignature(std::string_view signing_key, std::string_view timestamp, std::string_view token) {
  std::string signed_text(timestamp);
  signed_text.append(token);
  return Hex(HmacSha256(signing_key, signed_text));
}

std::string WeChatSignature(std::string_view token, std::string_view timestamp, std::string_view nonce) {
  return SortedSha1Hex({token, timestamp, nonce});
}

std::string WeChatMsgSignature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                               std::string_view encrypt) {
  return SortedSha1Hex({token, timestamp, nonce, encrypt});
}

StatusOr<std::string> WeChatAesKey(std::string_view encoding_aes_key) {
  if (encoding_aes_key.size() != 43) return Status::InvalidArgument("encoding_aes_key must be 43 characters");
  auto key = Base64Decode(std::string(encoding_aes_key) + "=");
  if (!key.ok()) return Status::InvalidArgument("encoding_aes_key is not base64");
  if (key->size() != 32) return Status::InvalidArgument("encoding_aes_key does not decode to 32 bytes");
  return key;
}

StatusOr<std::string> WeChatEncrypt(std::string_view encoding_aes_key, std::string_view app_id,
                                    std::string_view xml, std::string_view random16) {
  if (random16.size() != 16) return Status::InvalidArgument("random16 must be 16 bytes");
  auto key = WeChatAesKey(encoding_aes_key);
  if (!key.ok()) return key.status();
  std::string plain(random16);
  const auto len = static_cast<std::uint32_t>(xml.size());
  for (int shift = 24; shift >= 0; shift -= 8) plain.push_back(static_cast<char>((len >> shift) & 0xff));
  plain.append(xml).append(app_id);
  const std::size_t pad = kWeChatBlock - plain.size() % kWeChatBlock;  // 1..32, never 0
  plain.append(pad, static_cast<char>(pad));

  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  const auto* k = reinterpret_cast<const unsigned char*>(key->data());
  std::string cipher(plain.size(), '\0');
  int n = 0;
  int tail = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, k, k) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
      EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(cipher.data()), &n,
                        reinterpret_cast<const unsigned char*>(plain.data()), static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(cipher.data()) + n, &tail) != 1) {
    return Status::Internal("AES-256-CBC encryption failed");
  }
  cipher.resize(static_cast<std::size_t>(n + tail));
  return Base64(cipher);
}

StatusOr<WeChatPlaintext> WeChatDecrypt(std::string_view encoding_aes_key, std::string_view encrypt) {
  auto key = WeChatAesKey(encoding_aes_key);
  if (!key.ok()) return key.status();
  auto cipher = Base64Decode(encrypt);
  if (!cipher.ok()) return cipher.status();
  if (cipher->empty() || cipher->size() % 16 != 0) return Status::InvalidArgument("ciphertext is not whole blocks");
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  const auto* k = reinterpret_cast<const unsigned char*>(key->data());
  std::string plain(cipher->size(), '\0');
  int n = 0;
  int tail = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, k, k) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &n,
                        reinterpret_cast<const unsigned char*>(cipher->data()), static_cast<int>(cipher->size())) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + n, &tail) != 1) {
    return Status::InvalidArgument("AES-256-CBC decryption failed");
  }
  plain.resize(static_cast<std::size_t>(n + tail));
  const auto pad = static_cast<unsigned char>(plain.back());
  if (pad < 1 || pad > kWeChatBlock || pad > plain.size()) return Status::InvalidArgument("bad PKCS#7 padding");
  plain.resize(plain.size() - pad);
  if (plain.size() < 20) return Status::InvalidArgument("plaintext too short");
  std::uint32_t len = 0;
  for (int i = 16; i < 20; ++i) len = (len << 8) | static_cast<unsigned char>(plain[static_cast<std::size_t>(i)]);
  if (20 + static_cast<std::size_t>(len) > plain.size()) return Status::InvalidArgument("length exceeds plaintext");
  return WeChatPlaintext{plain.substr(20, len), plain.substr(20 + len)};
}

}  // namespace routerd::loadgen
