// HMAC and SHA digests over raw bytes, a constant-time comparison and hex
// encoding: what the channel adapters verify webhook signatures with and what
// routerd signs its own requests with (signed_request.h). One implementation
// for both.
//
// OpenSSL 3 objects are fetched once per process (EVP_MAC "HMAC", EVP_MD
// "SHA256"/"SHA1"); each thread keeps its own reusable EVP_MAC_CTX, so no
// request pays for a provider fetch, and the key it was last given, so calls
// in a row with one key do not derive it again.
//
// Thread safety: every function may be called concurrently from any thread.
// Results are raw digest bytes (never hex); an empty string means OpenSSL
// failed, which a caller's length check turns into a verification failure.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace routerd {

std::string HmacSha256(std::string_view key, std::string_view message);  // 32 raw bytes
std::string HmacSha1(std::string_view key, std::string_view message);    // 20 raw bytes
std::string Sha1(std::string_view data);                                  // 20 raw bytes
std::string Sha256(std::string_view data);                                // 32 raw bytes

// Compares without an early exit (CRYPTO_memcmp). Sizes are not secret:
// different sizes compare unequal at once.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Lowercase hex of raw bytes.
std::string HexLower(std::string_view bytes);
// The bytes of hex digits (either case); nullopt for an odd length or a
// character that is not a hex digit.
std::optional<std::string> HexDecode(std::string_view hex);

// `n` bytes from OpenSSL's CSPRNG (RAND_bytes); nullopt when it fails.
std::optional<std::string> RandomBytes(std::size_t n);

}  // namespace routerd
