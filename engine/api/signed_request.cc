#include "routerd/signed_request.h"

#include <charconv>
#include <limits>

#include "routerd/crypto.h"

namespace routerd {
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

std::string SignRequest(std::string_view secret, std::string_view timestamp, std::string_view body) {
  return std::string(kPrefix) + HexLower(HmacSha256(secret, SignedMessage(timestamp, body)));
}

bool VerifyRequestSignature(std::string_view header, std::string_view secret, std::string_view timestamp,
                            std::string_view body) {
  if (!header.starts_with(kPrefix)) return false;
  std::string received(header.substr(kPrefix.size()));
  if (received.size() != 64) return false;
  for (char& c : received) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  const std::string mac = HmacSha256(secret, SignedMessage(timestamp, body));
  if (mac.size() != 32) return false;
  return ConstantTimeEquals(received, HexLower(mac));
}

std::optional<std::int64_t> ParseTimestampHeader(std::string_view value) {
  if (value.empty()) return std::nullopt;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || ptr != value.data() + value.size()) return std::nullopt;
  return v;
}

bool WithinReplayWindow(std::int64_t timestamp_seconds, std::int64_t now_unix_ms, std::int64_t tolerance_seconds) {
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

}  // namespace routerd
