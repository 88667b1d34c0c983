// What an id of the configuration may contain. Tenant, OU, skill queue and
// channel ids (and reason codes) appear in webhook URLs, metrics labels and log
// lines, so they are kept to characters that need no escaping anywhere.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string_view>

namespace routerd::config {

inline constexpr std::size_t kMaxIdLength = 64;
inline constexpr std::string_view kPlainIdChars = "letters, digits, '.', '_', '-'";

inline bool IsIdChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

inline bool IsPlainId(std::string_view id) {
  return !id.empty() && id.size() <= kMaxIdLength && std::all_of(id.begin(), id.end(), IsIdChar);
}

}  // namespace routerd::config
