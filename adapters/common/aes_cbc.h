// AES-256-CBC decryption with no library padding, for WeChat's safe mode.
//
// WeChat pads with PKCS#7 over a 32-byte block, which OpenSSL's own padding
// check (16-byte blocks) rejects whenever the pad is longer than 16; padding is
// therefore disabled here and the caller strips it.
//
// The EVP_CIPHER is fetched once per process; each thread reuses its own
// EVP_CIPHER_CTX, so no request pays for a provider fetch or an allocation of
// OpenSSL state.
//
// Thread safety: may be called concurrently from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "routerd/status.h"

namespace routerd::adapters {

inline constexpr std::size_t kAes256KeyBytes = 32;
inline constexpr std::size_t kAesBlockBytes = 16;

// Decrypts `ciphertext` (a non-empty multiple of 16 bytes) with a 32-byte key
// and a 16-byte IV. The result has the same length as the ciphertext, padding
// included. InvalidArgument for bad sizes, Internal if OpenSSL fails.
StatusOr<std::string> Aes256CbcDecryptNoPadding(std::string_view key, std::string_view iv,
                                                std::string_view ciphertext);

}  // namespace routerd::adapters
