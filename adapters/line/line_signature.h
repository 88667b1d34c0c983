// LINE authenticity (channels.md §7.2): x-line-signature is the base64 of
// HMAC-SHA256(channel secret, raw body), with no prefix. LINE has no
// handshake; its console "Verify" button sends a signed POST with no events.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace routerd::adapters::line {

inline constexpr std::string_view kSignatureHeader = "x-line-signature";

// base64(HMAC-SHA256(channel_secret, body)).
std::string LineSignature(std::string_view channel_secret, std::string_view body);

// Strict base64 decode, then the 32 decoded bytes compared in constant time.
bool VerifyLineSignature(std::string_view header, std::string_view channel_secret, std::string_view body);

}  // namespace routerd::adapters::line
