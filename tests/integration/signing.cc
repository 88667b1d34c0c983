#include "tests/integration/signing.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace routerd::integration {
namespace {

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// An OpenSSL failure here is a broken test environment, not a test result.
void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "signing helper: %s failed\n", what);
    std::abort();
  }
}

// Decodes standard base64 of a length that is a multiple of 4; EVP_DecodeBlock
// counts '=' padding as zero bytes, so the caller trims to the length it expects.
std::string DecodeBase64Block(std::string_view b64) {
  std::string out(b64.size() / 4 * 3, '\0');
  const int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), Bytes(b64), static_cast<int>(b64.size()));
  Check(n >= 0, "EVP_DecodeBlock");
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace

std::string HmacSha256(std::string_view key, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  Check(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), Bytes(message), message.size(), mac, &len) !=
            nullptr,
        "HMAC");
  return std::string(reinterpret_cast<const char*>(mac), len);
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

std::string Base64(std::string_view bytes) {
  std::string out((bytes.size() + 2) / 3 * 4 + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), Bytes(bytes), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string Sha1Hex(std::string_view message) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  Check(EVP_Digest(message.data(), message.size(), md, &len, EVP_sha1(), nullptr) == 1, "EVP_Digest");
  return Hex(std::string_view(reinterpret_cast<const char*>(md), len));
}

std::string UrlEncode(std::string_view s) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 0xf]);
    }
  }
  return out;
}

std::string MetaSignature(std::string_view app_secret, std::string_view body) {
  return "sha256=" + Hex(HmacSha256(app_secret, body));
}

std::string LineSignature(std::string_view channel_secret, std::string_view body) {
  return Base64(HmacSha256(channel_secret, body));
}

std::string XSignature(std::string_view consumer_secret, std::string_view message) {
  return "sha256=" + Base64(HmacSha256(consumer_secret, message));
}

std::string WebSignature(std::string_view secret, std::string_view timestamp, std::string_view body) {
  std::string signed_text(timestamp);
  signed_text.push_back('.');
  signed_text.append(body);
  return "sha256=" + Hex(HmacSha256(secret, signed_text));
}

std::string MailgunSignature(std::string_view signing_key, std::string_view timestamp, std::string_view token) {
  std::string signed_text(timestamp);
  signed_text.append(token);
  return Hex(HmacSha256(signing_key, signed_text));
}

namespace {
std::string SortedSha1(std::vector<std::string_view> parts) {
  std::sort(parts.begin(), parts.end());  // string_view compares bytes, as WeChat requires
  std::string joined;
  for (std::string_view p : parts) joined.append(p);
  return Sha1Hex(joined);
}
}  // namespace

std::string WeChatSignature(std::string_view token, std::string_view timestamp, std::string_view nonce) {
  return SortedSha1({token, timestamp, nonce});
}

std::string WeChatMsgSignature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                               std::string_view encrypt) {
  return SortedSha1({token, timestamp, nonce, encrypt});
}

std::string WeChatEncrypt(std::string_view encoding_aes_key, std::string_view app_id, std::string_view xml,
                          std::string_view random16) {
  Check(encoding_aes_key.size() == 43 && random16.size() == 16, "WeChatEncrypt arguments");
  std::string key = DecodeBase64Block(std::string(encoding_aes_key) + "=");
  Check(key.size() >= 32, "EncodingAESKey decode");
  key.resize(32);

  std::string plain(random16);
  const auto len = static_cast<std::uint32_t>(xml.size());
  plain.push_back(static_cast<char>(len >> 24));
  plain.push_back(static_cast<char>(len >> 16));
  plain.push_back(static_cast<char>(len >> 8));
  plain.push_back(static_cast<char>(len));
  plain.append(xml);
  plain.append(app_id);
  const std::size_t pad = 32 - plain.size() % 32;  // 1..32, never 0
  plain.append(pad, static_cast<char>(pad));

  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  Check(ctx != nullptr, "EVP_CIPHER_CTX_new");
  Check(EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, Bytes(key), Bytes(key)) == 1, "EncryptInit");
  Check(EVP_CIPHER_CTX_set_padding(ctx.get(), 0) == 1, "set_padding");
  std::string cipher(plain.size() + 32, '\0');
  int n = 0, tail = 0;
  Check(EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(cipher.data()), &n, Bytes(plain),
                          static_cast<int>(plain.size())) == 1,
        "EncryptUpdate");
  Check(EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(cipher.data()) + n, &tail) == 1,
        "EncryptFinal");
  cipher.resize(static_cast<std::size_t>(n + tail));
  return Base64(cipher);
}

std::int64_t NowUnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace routerd::integration
