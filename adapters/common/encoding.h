// Hex and base64 codecs for signature headers.
//
// Decoders are strict (they reject anything a provider would never send) and
// return std::nullopt instead of a partial result, so a malformed signature can
// never compare equal to anything.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace routerd::adapters {

std::string HexEncode(std::string_view bytes);  // lowercase
// Accepts upper and lower case; rejects odd lengths and non-hex characters.
std::optional<std::string> HexDecode(std::string_view hex);

std::string Base64Encode(std::string_view bytes);  // standard alphabet, padded
// Strict standard base64: length a multiple of 4, '=' only as final padding,
// no whitespace, no URL-safe alphabet, and unused trailing bits must be zero
// (so that each byte string has exactly one accepted encoding).
std::optional<std::string> Base64Decode(std::string_view b64);

}  // namespace routerd::adapters
