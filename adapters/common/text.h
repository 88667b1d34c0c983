// Text helpers for what adapters copy out of a request into a Contact.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace routerd::adapters {

// 'A'..'Z' to 'a'..'z'; every other byte as it is (no locale).
inline char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view s);

// An RFC 5870 "geo:<lat>,<lon>" URI, the reference of a shared-location
// attachment. Coordinates use the shortest decimal form that round-trips.
std::string GeoUri(double latitude, double longitude);

}  // namespace routerd::adapters
