// Messenger authenticity (channels.md §6.1-6.2): the hub.* subscription GET
// and the body signature Meta sends in two headers:
//   X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>
//   X-Hub-Signature:     sha1=<hex HMAC-SHA1(app secret, raw body)> (legacy)
// The SHA-256 header is used whenever it is present. Only when it is absent is
// the legacy SHA-1 header checked: HMAC-SHA1 still needs the app secret to
// forge (SHA-1 collisions do not carry over to HMAC), and Meta's own sample
// server verifies it. A present but wrong SHA-256 header is never rescued by a
// right SHA-1 one.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "routerd/webhook.h"

namespace routerd::adapters::facebook {

inline constexpr std::string_view kSignature256Header = "X-Hub-Signature-256";
inline constexpr std::string_view kLegacySignatureHeader = "X-Hub-Signature";

enum class SignatureCheck {
  kValid,
  kMissing,   // neither header
  kMismatch,  // a header is present and wrong
};

std::string MessengerSignature256(std::string_view app_secret, std::string_view body);
std::string MessengerSignatureSha1(std::string_view app_secret, std::string_view body);

// Applies the header preference above to the request's headers and body.
SignatureCheck VerifyMessengerSignature(const WebhookRequest& request, std::string_view app_secret);

// The subscription GET: 200 text/plain echoing hub.challenge, else 403.
WebhookOutcome HandleVerification(const WebhookRequest& request, std::string_view verify_token);

}  // namespace routerd::adapters::facebook
