#include "line/line_adapter.h"

#include <utility>

#include "common/parsed_batch.h"
#include "common/responses.h"
#include "common/webhook_guards.h"
#include "line/line_payload.h"
#include "line/line_signature.h"

namespace routerd::adapters::line {
namespace {

class LineAdapterFactory final : public ChannelAdapterFactory {
 public:
  std::string_view Kind() const override { return kKind; }
  StatusOr<ChannelAdapterPtr> Create(const ChannelIdentity& identity, ChannelOptions& options) const override {
    auto secret = options.RequiredSecret("channel_secret");
    if (!secret.ok()) return secret.status();
    return ChannelAdapterPtr(std::make_shared<LineAdapter>(identity, std::move(*secret)));
  }
};

}  // namespace

LineAdapter::LineAdapter(ChannelIdentity identity, std::string channel_secret)
    : identity_(std::move(identity)), channel_secret_(std::move(channel_secret)) {}

WebhookOutcome LineAdapter::Handle(const WebhookRequest& request) const {
  if (request.method != "POST") return MethodNotAllowed("POST");
  if (auto refused = CheckJsonPost(request)) return std::move(*refused);
  const std::string_view signature = request.Header(kSignatureHeader);
  if (signature.empty()) return BadSignature("missing x-line-signature");
  if (!VerifyLineSignature(signature, channel_secret_, request.body)) {
    return BadSignature("x-line-signature does not match the body");
  }
  auto parsed = ParseLinePayload(request.body);
  if (!parsed.ok()) return Malformed(parsed.status());
  return Accept(std::move(*parsed), identity_, kKind, request.now_unix_ms, OkJson("{}"));
}

std::unique_ptr<routerd::ChannelAdapterFactory> MakeLineAdapterFactory() {
  return std::make_unique<LineAdapterFactory>();
}

}  // namespace routerd::adapters::line
