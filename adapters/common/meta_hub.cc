#include "common/meta_hub.h"

#include "common/encoding.h"
#include "common/hmac.h"
#include "common/responses.h"
#include "common/text.h"

namespace routerd::adapters {
namespace {

bool VerifyHexSignature(std::string_view header, std::string_view prefix, const std::string& mac) {
  // An empty MAC means OpenSSL failed; never let "prefix + nothing" match it.
  if (mac.empty() || !header.starts_with(prefix)) return false;
  std::string_view hex = header.substr(prefix.size());
  std::string expected = HexEncode(mac);
  if (hex.size() != expected.size()) return false;
  std::string received(hex);
  for (char& c : received) c = AsciiLower(c);
  return ConstantTimeEquals(received, expected);
}

}  // namespace

WebhookOutcome HandleHubVerification(const WebhookRequest& request, std::string_view verify_token) {
  const std::string mode = request.QueryParam("hub.mode");
  const std::string token = request.QueryParam("hub.verify_token");
  const bool token_ok = ConstantTimeEquals(token, verify_token);
  if (mode != "subscribe" || !token_ok || !request.HasQueryParam("hub.challenge")) {
    return Reject(403, WebhookRejection::kBadHandshake, "verification_failed",
                  "hub.mode must be subscribe and hub.verify_token must match");
  }
  WebhookOutcome outcome;
  outcome.response = OkText(request.QueryParam("hub.challenge"));
  return outcome;
}

std::string HubSignature256(std::string_view app_secret, std::string_view body) {
  return "sha256=" + HexEncode(HmacSha256(app_secret, body));
}

std::string HubSignatureSha1(std::string_view app_secret, std::string_view body) {
  return "sha1=" + HexEncode(HmacSha1(app_secret, body));
}

bool VerifyHubSignature256(std::string_view header, std::string_view app_secret, std::string_view body) {
  return VerifyHexSignature(header, "sha256=", HmacSha256(app_secret, body));
}

bool VerifyHubSignatureSha1(std::string_view header, std::string_view app_secret, std::string_view body) {
  return VerifyHexSignature(header, "sha1=", HmacSha1(app_secret, body));
}

}  // namespace routerd::adapters
