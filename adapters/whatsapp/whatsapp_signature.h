// WhatsApp Cloud API authenticity (channels.md §5.1-5.2): the hub.* GET
// verification and X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256 keyed
// with the Meta app secret, over the raw body bytes. Meta signs the body as
// sent (non-ASCII escaped as \uXXXX), so the received bytes are hashed as they
// are, never a re-serialization.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "routerd/webhook.h"

namespace routerd::adapters::whatsapp {

inline constexpr std::string_view kSignatureHeader = "X-Hub-Signature-256";

// The X-Hub-Signature-256 value for `body`.
std::string WhatsAppSignature(std::string_view app_secret, std::string_view body);

// Hex compared case-insensitively (lowercased) in constant time.
bool VerifyWhatsAppSignature(std::string_view header, std::string_view app_secret, std::string_view body);

// The subscription GET: 200 text/plain echoing hub.challenge, else 403.
WebhookOutcome HandleVerification(const WebhookRequest& request, std::string_view verify_token);

}  // namespace routerd::adapters::whatsapp
