#include "routerd/crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <memory>
#include <string>

namespace routerd {
namespace {

struct MacCtxDeleter {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter>;

// Fetched once and never freed: the process keeps using it until exit, and
// freeing at static destruction could race threads that are still verifying.
EVP_MAC* HmacAlgorithm() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

const EVP_MD* Sha256Md() {
  static const EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

const EVP_MD* Sha1Md() {
  static const EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  return md;
}

// A context whose digest is set once, with the key it was last given. A
// thread verifying one channel's deliveries in a row (the usual case) then
// restarts the MAC from the stored key instead of deriving it again: OpenSSL
// keeps the keyed inner and outer states, which saves two digest blocks and
// its key setup per call.
struct KeyedHmac {
  MacCtxPtr ctx;
  std::string key;
  bool keyed = false;
};

KeyedHmac NewHmac(const char* digest) {
  KeyedHmac mac;
  EVP_MAC* algorithm = HmacAlgorithm();
  if (algorithm == nullptr) return mac;
  MacCtxPtr ctx(EVP_MAC_CTX_new(algorithm));
  if (!ctx) return mac;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_MAC_CTX_set_params(ctx.get(), params) != 1) return mac;
  mac.ctx = std::move(ctx);
  return mac;
}

bool InitHmac(KeyedHmac& mac, std::string_view key) {
  // Compared without an early exit: a key may one day come from a request.
  if (mac.keyed && ConstantTimeEquals(mac.key, key)) {
    // A null key tells EVP_MAC_init to restart from the stored one.
    if (EVP_MAC_init(mac.ctx.get(), nullptr, 0, nullptr) == 1) return true;
  }
  mac.keyed = false;
  // An empty key must still point somewhere: null means "keep the previous".
  static const unsigned char kEmpty = 0;
  const auto* key_bytes =
      key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  if (EVP_MAC_init(mac.ctx.get(), key_bytes, key.size(), nullptr) != 1) return false;
  mac.key.assign(key);
  mac.keyed = true;
  return true;
}

std::string Hmac(KeyedHmac& mac, size_t size, std::string_view key, std::string_view message) {
  if (!mac.ctx || !InitHmac(mac, key)) return {};
  if (!message.empty() &&
      EVP_MAC_update(mac.ctx.get(), reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    return {};
  }
  std::string out(size, '\0');
  size_t written = 0;
  if (EVP_MAC_final(mac.ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &written, out.size()) != 1 ||
      written != size) {
    return {};
  }
  return out;
}

std::string Digest(const EVP_MD* md, size_t size, std::string_view data) {
  if (md == nullptr) return {};
  std::string out(size, '\0');
  unsigned int written = 0;
  if (EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &written, md,
                 nullptr) != 1 ||
      written != size) {
    return {};
  }
  return out;
}

}  // namespace

std::string HmacSha256(std::string_view key, std::string_view message) {
  thread_local KeyedHmac mac = NewHmac("SHA256");
  return Hmac(mac, 32, key, message);
}

std::string HmacSha1(std::string_view key, std::string_view message) {
  thread_local KeyedHmac mac = NewHmac("SHA1");
  return Hmac(mac, 20, key, message);
}

std::string Sha256(std::string_view data) { return Digest(Sha256Md(), 32, data); }

std::string Sha1(std::string_view data) { return Digest(Sha1Md(), 20, data); }

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string HexLower(std::string_view bytes) {
  static constexpr char kHexDigits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kHexDigits[b >> 4];
    out[2 * i + 1] = kHexDigits[b & 0x0f];
  }
  return out;
}

std::optional<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = value(hex[i]), lo = value(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

std::optional<std::string> RandomBytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) return std::nullopt;
  return out;
}

}  // namespace routerd
