// Meta's webhook conventions, shared by WhatsApp Cloud API and Messenger: the
// hub.* verification GET and the X-Hub-Signature(-256) body signatures.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "routerd/webhook.h"

namespace routerd::adapters {

// GET ?hub.mode=subscribe&hub.verify_token=T&hub.challenge=C: 200 text/plain
// with C verbatim when T equals `verify_token` (compared in constant time) and
// C is present; anything else 403 kBadHandshake.
WebhookOutcome HandleHubVerification(const WebhookRequest& request, std::string_view verify_token);

// "sha256=" + lowercase hex HMAC-SHA256(app_secret, body): the value Meta sends
// in X-Hub-Signature-256.
std::string HubSignature256(std::string_view app_secret, std::string_view body);
// "sha1=" + lowercase hex HMAC-SHA1(app_secret, body): legacy X-Hub-Signature.
std::string HubSignatureSha1(std::string_view app_secret, std::string_view body);

// Whether `header` (the header value as received) is the right signature of
// `body`. The hex digits are lowercased and compared in constant time; the
// "sha256="/"sha1=" prefix is required.
bool VerifyHubSignature256(std::string_view header, std::string_view app_secret, std::string_view body);
bool VerifyHubSignatureSha1(std::string_view header, std::string_view app_secret, std::string_view body);

}  // namespace routerd::adapters
