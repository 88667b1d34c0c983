#include "facebook/facebook_adapter.h"

#include <utility>

#include "common/parsed_batch.h"
#include "common/responses.h"
#include "common/webhook_guards.h"
#include "facebook/facebook_payload.h"
#include "facebook/facebook_signature.h"

namespace routerd::adapters::facebook {
namespace {

class FacebookAdapterFactory final : public ChannelAdapterFactory {
 public:
  std::string_view Kind() const override { return kKind; }
  StatusOr<ChannelAdapterPtr> Create(const ChannelIdentity& identity, ChannelOptions& options) const override {
    auto app_secret = options.RequiredSecret("app_secret");
    if (!app_secret.ok()) return app_secret.status();
    auto verify_token = options.RequiredSecret("verify_token");
    if (!verify_token.ok()) return verify_token.status();
    return ChannelAdapterPtr(
        std::make_shared<FacebookAdapter>(identity, std::move(*app_secret), std::move(*verify_token)));
  }
};

}  // namespace

FacebookAdapter::FacebookAdapter(ChannelIdentity identity, std::string app_secret, std::string verify_token)
    : identity_(std::move(identity)),
      app_secret_(std::move(app_secret)),
      verify_token_(std::move(verify_token)) {}

WebhookOutcome FacebookAdapter::Handle(const WebhookRequest& request) const {
  if (request.method == "POST") return HandleDelivery(request);
  if (request.method == "GET") return HandleVerification(request, verify_token_);
  return MethodNotAllowed("GET, POST");
}

WebhookOutcome FacebookAdapter::HandleDelivery(const WebhookRequest& request) const {
  if (auto refused = CheckJsonPost(request)) return std::move(*refused);
  switch (VerifyMessengerSignature(request, app_secret_)) {
    case SignatureCheck::kValid:
      break;
    case SignatureCheck::kMissing:
      return BadSignature("missing X-Hub-Signature-256");
    case SignatureCheck::kMismatch:
      return BadSignature("the body signature does not match");
  }
  auto parsed = ParseMessengerPayload(request.body);
  if (!parsed.ok()) return Malformed(parsed.status());
  return Accept(std::move(*parsed), identity_, kKind, request.now_unix_ms, OkText("EVENT_RECEIVED"));
}

std::unique_ptr<routerd::ChannelAdapterFactory> MakeFacebookAdapterFactory() {
  return std::make_unique<FacebookAdapterFactory>();
}

}  // namespace routerd::adapters::facebook
