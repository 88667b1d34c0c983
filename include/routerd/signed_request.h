// The signed-request scheme of routerd's own HTTP peers: the web widget's
// backend posting to /webhooks/web/..., routerd asking the operator's
// telephony for a call-back, and the telephony reporting the call's states.
//
//   X-Routerd-Timestamp: <unix seconds, digits only>
//   X-Routerd-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
//
// The timestamp is signed with the body, so an old request cannot be replayed
// with a fresh timestamp; the receiver refuses timestamps outside its window
// (and remembers what it accepted within it, where a replay must not repeat
// an effect).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace routerd {

inline constexpr std::string_view kTimestampHeader = "X-Routerd-Timestamp";
inline constexpr std::string_view kSignatureHeader = "X-Routerd-Signature";

// "sha256=" + lowercase hex HMAC-SHA256(secret, timestamp + "." + body), where
// `timestamp` is the header value exactly as sent.
std::string SignRequest(std::string_view secret, std::string_view timestamp, std::string_view body);

// The hex digits are lowercased, then compared in constant time.
bool VerifyRequestSignature(std::string_view header, std::string_view secret, std::string_view timestamp,
                            std::string_view body);

// Seconds from an X-Routerd-Timestamp value: digits only, fits in int64.
std::optional<std::int64_t> ParseTimestampHeader(std::string_view value);

// Whether |now - timestamp| <= tolerance, computed in milliseconds without
// overflow for any inputs. REQUIRES: 0 <= tolerance_seconds <= 10^9.
bool WithinReplayWindow(std::int64_t timestamp_seconds, std::int64_t now_unix_ms, std::int64_t tolerance_seconds);

}  // namespace routerd
