// Checks every JSON-over-POST adapter makes before it verifies a signature, and
// the matching rejections.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string_view>

#include "routerd/status.h"
#include "routerd/webhook.h"

namespace routerd::adapters {

// 405 with an `Allow` header listing `allow` ("POST", "GET, POST").
WebhookOutcome MethodNotAllowed(std::string_view allow);

// std::nullopt when a POST with a JSON body may go on to signature checks;
// otherwise 415 (Content-Type is not application/json, parameters allowed) or
// 413 (body above kMaxJsonBodyBytes, refused before it is hashed).
std::optional<WebhookOutcome> CheckJsonPost(const WebhookRequest& request);

// 401 kBadSignature. `detail` must not reveal the expected value.
WebhookOutcome BadSignature(std::string_view detail);

// 400 kMalformed; the detail is the parse error (it names fields, never
// echoes body bytes).
WebhookOutcome Malformed(const Status& status);

}  // namespace routerd::adapters
