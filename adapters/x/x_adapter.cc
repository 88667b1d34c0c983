#include "x/x_adapter.h"

#include <algorithm>
#include <string>
#include <utility>

#include "common/parsed_batch.h"
#include "common/responses.h"
#include "common/webhook_guards.h"
#include "x/x_payload.h"
#include "x/x_signature.h"

namespace routerd::adapters::x {
namespace {

constexpr std::string_view kSignatureHeader = "x-twitter-webhooks-signature";
constexpr std::int64_t kDefaultCrcPerMinute = 30;
constexpr std::int64_t kMaxCrcPerMinute = 6000;

class XAdapterFactory final : public ChannelAdapterFactory {
 public:
  std::string_view Kind() const override { return kKind; }
  StatusOr<ChannelAdapterPtr> Create(const ChannelIdentity& identity, ChannelOptions& options) const override {
    auto secret = options.RequiredSecret("consumer_secret");
    if (!secret.ok()) return secret.status();
    std::int64_t crc_per_minute = kDefaultCrcPerMinute;
    auto configured = options.OptionalInt("crc_per_minute");
    if (!configured.ok()) return configured.status();
    if (configured->has_value()) {
      if (**configured < 1 || **configured > kMaxCrcPerMinute) {
        return options.Error("crc_per_minute", "must be between 1 and " + std::to_string(kMaxCrcPerMinute));
      }
      crc_per_minute = **configured;
    }
    return ChannelAdapterPtr(std::make_shared<XAdapter>(identity, std::move(*secret), crc_per_minute));
  }
};

}  // namespace

bool CrcTokenAcceptable(std::string_view token) {
  if (token.empty() || token.size() > kMaxCrcTokenBytes) return false;
  for (char c : token) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '=' || c == '+' || c == '/' || c == '.';
    if (!ok) return false;
  }
  return true;
}

XAdapter::XAdapter(ChannelIdentity identity, std::string consumer_secret, std::int64_t crc_per_minute)
    : identity_(std::move(identity)),
      consumer_secret_(std::move(consumer_secret)),
      crc_budget_(crc_per_minute, crc_per_minute) {}

WebhookOutcome XAdapter::Handle(const WebhookRequest& request) const {
  if (request.method == "POST") return HandleDelivery(request);
  if (request.method == "GET") return HandleCrc(request);
  return MethodNotAllowed("GET, POST");
}

WebhookOutcome XAdapter::HandleCrc(const WebhookRequest& request) const {
  // Anyone may ask, and each answer is an HMAC under the consumer secret:
  // bounded, so the endpoint is neither a free signing oracle nor a way to
  // spend the I/O threads on hashing.
  std::int64_t retry_after = 0;
  if (!crc_budget_.TryTake(request.now_unix_ms, &retry_after)) {
    WebhookOutcome busy = Reject(429, WebhookRejection::kOverloaded, "too_many_requests",
                                 "too many CRC handshakes for this channel; retry later");
    busy.response.headers.emplace_back("Retry-After", std::to_string(std::max<std::int64_t>(1, retry_after)));
    return busy;
  }
  const std::string token = request.QueryParam("crc_token");
  if (token.empty()) {
    return Reject(400, WebhookRejection::kBadHandshake, "bad_request", "crc_token is required");
  }
  // The answer is exactly the signature X puts on a delivery whose body is
  // the token: answering a JSON body would let anyone sign deliveries.
  if (!CrcTokenAcceptable(token)) {
    return Reject(400, WebhookRejection::kBadHandshake, "bad_request",
                  "crc_token must be 1 to " + std::to_string(kMaxCrcTokenBytes) +
                      " characters of A-Z a-z 0-9 - _ = + / .");
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
