#include "web/web_signature.h"

#include <limits>

#include "common/encoding.h"
#include "common/hmac.h"
#include "common/time_units.h"

namespace routerd::adapters::web {
namespace {

constexpr std::string_view kPrefix = "sha256=";

std::string SignedMessage(std::string_view timestamp, std::string_view body) {
  std::string message;
  message.reserve(timestamp.size() + 1 + body.size());
  message.append(timestamp);
  message.push_back('.');
  message.append(body);
  return message;
}

}  // namespace

std::string WebSignature(std::string_view secret, std::string_view timestamp, std::string_view body) {
  return std::string(kPrefix) + HexEncode(HmacSha256(secret, SignedMessage(timestamp, body)));
}

bool VerifyWebSignature(std::string_view header, std::string_view secret, std::string_view timestamp,
                        std::string_view body) {
  if (!header.starts_with(kPrefix)) return false;
  std::string received(header.substr(kPrefix.size()));
  if (received.size() != 64) return false;
  for (char& c : received) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  const std::string mac = HmacSha256(secret, SignedMessage(timestamp, body));
  if (mac.size() != 32) return false;
  return ConstantTimeEquals(received, HexEncode(mac));
}

std::optional<std::int64_t> ParseTimestampHeader(std::string_view value) { return ParseEpochString(value); }

bool WithinReplayWindow(std::int64_t timestamp_seconds, std::int64_t now_unix_ms,
                        std::int64_t tolerance_seconds) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max() / 1000;
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min() / 1000;
  if (timestamp_seconds > kMax || timestamp_seconds < kMin) return false;
  const std::int64_t timestamp_ms = timestamp_seconds * 1000;
  // The distance between two int64 values always fits in uint64.
  const std::uint64_t distance =
      timestamp_ms >= now_unix_ms
          ? static_cast<std::uint64_t>(timestamp_ms) - static_cast<std::uint64_t>(now_unix_ms)
          : static_cast<std::uint64_t>(now_unix_ms) - static_cast<std::uint64_t>(timestamp_ms);
  return distance <= static_cast<std::uint64_t>(tolerance_seconds) * 1000;
}

}  // namespace routerd::adapters::web
