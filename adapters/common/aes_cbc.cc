#include "common/aes_cbc.h"

#include <openssl/evp.h>

#include <climits>
#include <memory>

namespace routerd::adapters {
namespace {

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};

// Fetched once and never freed: threads may still be decrypting during static
// destruction.
const EVP_CIPHER* Aes256Cbc() {
  static const EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr);
  return cipher;
}

}  // namespace

StatusOr<std::string> Aes256CbcDecryptNoPadding(std::string_view key, std::string_view iv,
                                                std::string_view ciphertext) {
  if (key.size() != kAes256KeyBytes) return Status::InvalidArgument("aes: key must be 32 bytes");
  if (iv.size() != kAesBlockBytes) return Status::InvalidArgument("aes: iv must be 16 bytes");
  if (ciphertext.empty() || ciphertext.size() % kAesBlockBytes != 0) {
    return Status::InvalidArgument("aes: ciphertext must be a non-empty multiple of 16 bytes");
  }
  if (ciphertext.size() > static_cast<std::size_t>(INT_MAX)) {
    return Status::InvalidArgument("aes: ciphertext too large");
  }
  const EVP_CIPHER* cipher = Aes256Cbc();
  thread_local const std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter> ctx(EVP_CIPHER_CTX_new());
  if (cipher == nullptr || ctx == nullptr) return Status::Internal("aes: OpenSSL AES-256-CBC unavailable");

  // Re-initializing with the cipher resets the context's previous state.
  if (EVP_DecryptInit_ex2(ctx.get(), cipher, reinterpret_cast<const unsigned char*>(key.data()),
                          reinterpret_cast<const unsigned char*>(iv.data()), nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1) {
    return Status::Internal("aes: decrypt init failed");
  }
  std::string plain(ciphertext.size(), '\0');
  int written = 0;
  if (EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &written,
                        reinterpret_cast<const unsigned char*>(ciphertext.data()),
                        static_cast<int>(ciphertext.size())) != 1) {
    return Status::Internal("aes: decrypt failed");
  }
  int final_written = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + written,
                          &final_written) != 1 ||
      static_cast<std::size_t>(written + final_written) != ciphertext.size()) {
    return Status::Internal("aes: decrypt failed");
  }
  return plain;
}

}  // namespace routerd::adapters
