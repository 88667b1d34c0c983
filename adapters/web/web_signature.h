// Web widget authenticity: routerd's signed-request scheme
// (routerd/signed_request.h, which these names forward to):
//   X-Routerd-Timestamp: <unix seconds, digits only>
//   X-Routerd-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
// The timestamp is signed with the body, so an old delivery cannot be
// replayed with a fresh timestamp; deliveries older or newer than the
// tolerance are refused as replays.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "routerd/signed_request.h"

namespace routerd::adapters::web {

inline constexpr std::string_view kTimestampHeader = ::routerd::kTimestampHeader;
inline constexpr std::string_view kSignatureHeader = ::routerd::kSignatureHeader;
inline constexpr std::int64_t kDefaultToleranceSeconds = 300;

// "sha256=" + lowercase hex HMAC-SHA256(secret, timestamp + "." + body), where
// `timestamp` is the header value exactly as sent.
std::string WebSignature(std::string_view secret, std::string_view timestamp, std::string_view body);

// The hex digits are lowercased, then compared in constant time.
bool VerifyWebSignature(std::string_view header, std::string_view secret, std::string_view timestamp,
                        std::string_view body);

// Seconds from an X-Routerd-Timestamp value: digits only, fits in int64.
std::optional<std::int64_t> ParseTimestampHeader(std::string_view value);

// Whether |now - timestamp| <= tolerance, computed in milliseconds without
// overflow for any inputs. REQUIRES: 0 <= tolerance_seconds <= 10^9.
bool WithinReplayWindow(std::int64_t timestamp_seconds, std::int64_t now_unix_ms,
                        std::int64_t tolerance_seconds);

}  // namespace routerd::adapters::web
