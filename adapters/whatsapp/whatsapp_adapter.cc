#include "whatsapp/whatsapp_adapter.h"

#include <utility>

#include "common/parsed_batch.h"
#include "common/responses.h"
#include "common/webhook_guards.h"
#include "whatsapp/whatsapp_payload.h"
#include "whatsapp/whatsapp_signature.h"

namespace routerd::adapters::whatsapp {
namespace {

class WhatsAppAdapterFactory final : public ChannelAdapterFactory {
 public:
  std::string_view Kind() const override { return kKind; }
  StatusOr<ChannelAdapterPtr> Create(const ChannelIdentity& identity, ChannelOptions& options) const override {
    auto app_secret = options.RequiredSecret("app_secret");
    if (!app_secret.ok()) return app_secret.status();
    auto verify_token = options.RequiredSecret("verify_token");
    if (!verify_token.ok()) return verify_token.status();
    return ChannelAdapterPtr(
        std::make_shared<WhatsAppAdapter>(identity, std::move(*app_secret), std::move(*verify_token)));
  }
};

}  // namespace

WhatsAppAdapter::WhatsAppAdapter(ChannelIdentity identity, std::string app_secret, std::string verify_token)
    : identity_(std::move(identity)),
      app_secret_(std::move(app_secret)),
      verify_token_(std::move(verify_token)) {}

WebhookOutcome WhatsAppAdapter::Handle(const WebhookRequest& request) const {
  if (request.method == "POST") return HandleDelivery(request);
  if (request.method == "GET") return HandleVerification(request, verify_token_);
  return MethodNotAllowed("GET, POST");
}

WebhookOutcome WhatsAppAdapter::HandleDelivery(const WebhookRequest& request) const {
  if (auto refused = CheckJsonPost(request)) return std::move(*refused);
  const std::string_view signature = request.Header(kSignatureHeader);
  if (signature.empty()) return BadSignature("missing X-Hub-Signature-256");
  if (!VerifyWhatsAppSignature(signature, app_secret_, request.body)) {
    return BadSignature("X-Hub-Signature-256 does not match the body");
  }
  auto parsed = ParseWhatsAppPayload(request.body);
  if (!parsed.ok()) return Malformed(parsed.status());
  return Accept(std::move(*parsed), identity_, kKind, request.now_unix_ms, OkText("EVENT_RECEIVED"));
}

std::unique_ptr<routerd::ChannelAdapterFactory> MakeWhatsAppAdapterFactory() {
  return std::make_unique<WhatsAppAdapterFactory>();
}

}  // namespace routerd::adapters::whatsapp
