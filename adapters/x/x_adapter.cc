#include "x/x_adapter.h"

#include <utility>

#include "common/parsed_batch.h"
#include "common/responses.h"
#include "common/webhook_guards.h"
#include "x/x_payload.h"
#include "x/x_signature.h"

namespace routerd::adapters::x {
namespace {

constexpr std::string_view kSignatureHeader = "x-twitter-webhooks-signature";

class XAdapterFactory final : public ChannelAdapterFactory {
 public:
  std::string_view Kind() const override { return kKind; }
  StatusOr<ChannelAdapterPtr> Create(const ChannelIdentity& identity, ChannelOptions& options) const override {
    auto secret = options.RequiredSecret("consumer_secret");
    if (!secret.ok()) return secret.status();
    return ChannelAdapterPtr(std::make_shared<XAdapter>(identity, std::move(*secret)));
  }
};

}  // namespace

XAdapter::XAdapter(ChannelIdentity identity, std::string consumer_secret)
    : identity_(std::move(identity)), consumer_secret_(std::move(consumer_secret)) {}

WebhookOutcome XAdapter::Handle(const WebhookRequest& request) const {
  if (request.method == "POST") return HandleDelivery(request);
  if (request.method == "GET") return HandleCrc(request);
  return MethodNotAllowed("GET, POST");
}

WebhookOutcome XAdapter::HandleCrc(const WebhookRequest& request) const {
  const std::string token = request.QueryParam("crc_token");
  if (token.empty()) {
    return Reject(400, WebhookRejection::kBadHandshake, "bad_request", "crc_token is required");
  }
  WebhookOutcome outcome;
  outcome.response = OkJson(CrcResponseBody(consumer_secret_, token));
  return outcome;
}

WebhookOutcome XAdapter::HandleDelivery(const WebhookRequest& request) const {
  if (auto refused = CheckJsonPost(request)) return std::move(*refused);
  const std::string_view signature = request.Header(kSignatureHeader);
  if (signature.empty()) return BadSignature("missing x-twitter-webhooks-signature");
  if (!VerifyXSignature(signature, consumer_secret_, request.body)) {
    return BadSignature("x-twitter-webhooks-signature does not match the body");
  }
  auto parsed = ParseXPayload(request.body);
  if (!parsed.ok()) return Malformed(parsed.status());
  return Accept(std::move(*parsed), identity_, kKind, request.now_unix_ms, OkJson("{}"));
}

std::unique_ptr<routerd::ChannelAdapterFactory> MakeXAdapterFactory() {
  return std::make_unique<XAdapterFactory>();
}

}  // namespace routerd::adapters::x
