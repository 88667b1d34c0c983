#include "whatsapp/whatsapp_signature.h"

#include "common/meta_hub.h"

namespace routerd::adapters::whatsapp {

std::string WhatsAppSignature(std::string_view app_secret, std::string_view body) {
  return HubSignature256(app_secret, body);
}

bool VerifyWhatsAppSignature(std::string_view header, std::string_view app_secret, std::string_view body) {
  return VerifyHubSignature256(header, app_secret, body);
}

WebhookOutcome HandleVerification(const WebhookRequest& request, std::string_view verify_token) {
  return HandleHubVerification(request, verify_token);
}

}  // namespace routerd::adapters::whatsapp
