#include "common/webhook_guards.h"

#include <string>

#include "common/content_type.h"
#include "common/json.h"
#include "common/responses.h"

namespace routerd::adapters {

WebhookOutcome MethodNotAllowed(std::string_view allow) {
  WebhookOutcome outcome = Reject(405, WebhookRejection::kMethod, "method_not_allowed",
                                  "this endpoint accepts " + std::string(allow));
  outcome.response.headers.emplace_back("Allow", std::string(allow));
  return outcome;
}

std::optional<WebhookOutcome> CheckJsonPost(const WebhookRequest& request) {
  if (!MediaTypeIs(request.content_type, "application/json")) {
    return Reject(415, WebhookRejection::kUnsupportedMedia, "unsupported_media_type",
                  "Content-Type must be application/json");
  }
  if (request.body.size() > kMaxJsonBodyBytes) {
    return Reject(413, WebhookRejection::kMalformed, "payload_too_large", "the body is too large");
  }
  return std::nullopt;
}

WebhookOutcome BadSignature(std::string_view detail) {
  return Reject(401, WebhookRejection::kBadSignature, "bad_signature", detail);
}

WebhookOutcome Malformed(const Status& status) {
  return Reject(400, WebhookRejection::kMalformed, "malformed", status.message());
}

}  // namespace routerd::adapters
