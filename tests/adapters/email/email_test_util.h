// Test helpers for the email adapter: fixtures and form building.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace routerd::adapters::email::testing {

inline constexpr std::string_view kUrlEncoded = "application/x-www-form-urlencoded";

// The signing key the fixtures are signed with (mailgun-php's test vector key).
inline constexpr std::string_view kSigningKey = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0";

// Reads tests/fixtures/<relative_path>; fails the test if it is missing.
std::string ReadFixture(std::string_view relative_path);

// The Content-Type for a multipart fixture: its boundary is its first line minus "--".
std::string MultipartContentType(std::string_view body);

// application/x-www-form-urlencoded encoding of the pairs.
std::string UrlEncode(const std::vector<std::pair<std::string, std::string>>& fields);

// Replaces the value of the first `name=` field of a urlencoded body.
std::string ReplaceField(std::string body, std::string_view name, std::string_view new_encoded_value);

}  // namespace routerd::adapters::email::testing
