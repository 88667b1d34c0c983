// XAdapter: the X (Twitter) Account Activity API webhook for direct messages.
//
// GET ?crc_token=T answers the CRC challenge: 200 JSON with
// "sha256=" + base64(HMAC-SHA256(consumer_secret, T)). That is exactly the
// x-twitter-webhooks-signature of a POST whose body is T, and X defines both,
// so the two cannot be told apart by their construction. What separates them
// is the shape: X sends a random token (a UUID or base64 text), and a
// delivery is routed only if its body is a JSON object. So only tokens of
// 1..kMaxCrcTokenBytes characters from [A-Za-z0-9-_=+/.] are answered (400
// otherwise, also without a token): none of them starts a JSON object, so no
// answer can sign a delivery that is routed. Handshakes are unauthenticated,
// so they are also rate-limited per channel (429 with Retry-After beyond
// crc_per_minute; X runs one about hourly or daily, and on registration).
// POST verifies x-twitter-webhooks-signature over the raw body before parsing
// (401 when missing or wrong), requires application/json (415), then
// normalizes with ParseXPayload (400 when malformed). Other methods: 405.
//
// Configuration ([[tenants.channels]] kind = "x"):
//   consumer_secret (or consumer_secret_env / consumer_secret_file): required,
//   the app's API secret key, which signs both the CRC and deliveries.
//   crc_per_minute: optional, 1..6000, default 30: CRC handshakes answered per
//   minute (bursts up to the same number).
//
// Thread safety: Handle() is const and may run concurrently on any thread
// (the CRC budget is internally locked).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/rate_limiter.h"
#include "routerd/adapter.h"

namespace routerd::adapters::x {

inline constexpr std::string_view kKind = "x";
inline constexpr std::size_t kMaxCrcTokenBytes = 256;

// Whether a (decoded) crc_token has the shape X sends; see above.
bool CrcTokenAcceptable(std::string_view token);

class XAdapter final : public ChannelAdapter {
 public:
  XAdapter(ChannelIdentity identity, std::string consumer_secret, std::int64_t crc_per_minute = 30);

  // routerd::ChannelAdapter
  WebhookOutcome Handle(const WebhookRequest& request) const override;

 private:
  WebhookOutcome HandleCrc(const WebhookRequest& request) const;
  WebhookOutcome HandleDelivery(const WebhookRequest& request) const;

  const ChannelIdentity identity_;
  const std::string consumer_secret_;
  mutable TokenBucket crc_budget_;
};

std::unique_ptr<routerd::ChannelAdapterFactory> MakeXAdapterFactory();

}  // namespace routerd::adapters::x
