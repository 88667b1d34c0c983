// Building the WebhookOutcome/WebhookResponse values adapters return.
//
// Error bodies are short JSON objects {"error":"...","detail":"..."}. They say
// what was wrong with the request in general terms for the provider's delivery
// log; they never carry a secret, an expected signature or a stack trace.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "routerd/webhook.h"

namespace routerd::adapters {

// A refusal: `http_status` with a JSON error body (application/json).
WebhookOutcome Reject(int http_status, WebhookRejection why, std::string_view error,
                      std::string_view detail);

WebhookResponse OkText(std::string body);  // 200 text/plain
WebhookResponse OkJson(std::string body);  // 200 application/json

}  // namespace routerd::adapters
