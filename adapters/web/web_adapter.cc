#include "web/web_adapter.h"

#include <utility>

#include "common/parsed_batch.h"
#include "common/responses.h"
#include "common/webhook_guards.h"
#include "web/web_payload.h"
#include "web/web_signature.h"

namespace routerd::adapters::web {
namespace {

constexpr std::int64_t kMaxToleranceSeconds = 86400;

class WebAdapterFactory final : public ChannelAdapterFactory {
 public:
  std::string_view Kind() const override { return kKind; }
  StatusOr<ChannelAdapterPtr> Create(const ChannelIdentity& identity, ChannelOptions& options) const override {
    auto secret = options.RequiredSecret("secret");
    if (!secret.ok()) return secret.status();
    auto tolerance = options.OptionalInt("timestamp_tolerance_s");
    if (!tolerance.ok()) return tolerance.status();
    const std::int64_t seconds = tolerance->value_or(kDefaultToleranceSeconds);
    if (seconds < 1 || seconds > kMaxToleranceSeconds) {
      return options.Error("timestamp_tolerance_s", "must be between 1 and 86400 seconds");
    }
    return ChannelAdapterPtr(std::make_shared<WebAdapter>(identity, std::move(*secret), seconds));
  }
};

}  // namespace

WebAdapter::WebAdapter(ChannelIdentity identity, std::string secret, std::int64_t tolerance_seconds)
    : identity_(std::move(identity)), secret_(std::move(secret)), tolerance_seconds_(tolerance_seconds) {}

WebhookOutcome WebAdapter::Handle(const WebhookRequest& request) const {
  if (request.method != "POST") return MethodNotAllowed("POST");
  if (auto refused = CheckJsonPost(request)) return std::move(*refused);
  const std::string_view timestamp = request.Header(kTimestampHeader);
  const std::optional<std::int64_t> seconds = ParseTimestampHeader(timestamp);
  if (!seconds) return BadSignature("missing or malformed X-Routerd-Timestamp");
  const std::string_view signature = request.Header(kSignatureHeader);
  if (signature.empty()) return BadSignature("missing X-Routerd-Signature");
  if (!VerifyWebSignature(signature, secret_, timestamp, request.body)) {
    return BadSignature("X-Routerd-Signature does not match the timestamp and body");
  }
  // Checked after the signature, so that only authentic stale requests count as replays.
  if (!WithinReplayWindow(*seconds, request.now_unix_ms, tolerance_seconds_)) {
    return Reject(401, WebhookRejection::kReplay, "replay", "X-Routerd-Timestamp is outside the allowed window");
  }
  auto parsed = ParseWebPayload(request.body);
  if (!parsed.ok()) return Malformed(parsed.status());
  return Accept(std::move(*parsed), identity_, kKind, request.now_unix_ms, OkJson("{\"ok\":true}"));
}

std::unique_ptr<routerd::ChannelAdapterFactory> MakeWebAdapterFactory() {
  return std::make_unique<WebAdapterFactory>();
}

}  // namespace routerd::adapters::web
