#include "web/web_signature.h"

#include "routerd/signed_request.h"

namespace routerd::adapters::web {

std::string WebSignature(std::string_view secret, std::string_view timestamp, std::string_view body) {
  return SignRequest(secret, timestamp, body);
}

bool VerifyWebSignature(std::string_view header, std::string_view secret, std::string_view timestamp,
                        std::string_view body) {
  return VerifyRequestSignature(header, secret, timestamp, body);
}

std::optional<std::int64_t> ParseTimestampHeader(std::string_view value) {
  return ::routerd::ParseTimestampHeader(value);
}

bool WithinReplayWindow(std::int64_t timestamp_seconds, std::int64_t now_unix_ms,
                        std::int64_t tolerance_seconds) {
  return ::routerd::WithinReplayWindow(timestamp_seconds, now_unix_ms, tolerance_seconds);
}

}  // namespace routerd::adapters::web
