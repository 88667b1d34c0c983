#include "facebook/facebook_signature.h"

#include "common/meta_hub.h"

namespace routerd::adapters::facebook {

std::string MessengerSignature256(std::string_view app_secret, std::string_view body) {
  return HubSignature256(app_secret, body);
}

std::string MessengerSignatureSha1(std::string_view app_secret, std::string_view body) {
  return HubSignatureSha1(app_secret, body);
}

SignatureCheck VerifyMessengerSignature(const WebhookRequest& request, std::string_view app_secret) {
  const std::string_view sha256 = request.Header(kSignature256Header);
  if (!sha256.empty()) {
    return VerifyHubSignature256(sha256, app_secret, request.body) ? SignatureCheck::kValid
                                                                   : SignatureCheck::kMismatch;
  }
  const std::string_view sha1 = request.Header(kLegacySignatureHeader);
  if (sha1.empty()) return SignatureCheck::kMissing;
  return VerifyHubSignatureSha1(sha1, app_secret, request.body) ? SignatureCheck::kValid
                                                                : SignatureCheck::kMismatch;
}

WebhookOutcome HandleVerification(const WebhookRequest& request, std::string_view verify_token) {
  return HandleHubVerification(request, verify_token);
}

}  // namespace routerd::adapters::facebook
