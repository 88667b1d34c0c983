// WebAdapter: events posted by our own web chat widget's backend.
//
// POST /webhooks/web/{channel_id} only (others: 405). Requires
// application/json (415). Authenticity before parsing: X-Routerd-Timestamp
// (digits only) and X-Routerd-Signature must both be present and the
// signature must match (401 kBadSignature); a timestamp further than the
// tolerance from request.now_unix_ms is 401 kReplay. The body is then
// normalized with ParseWebPayload (400 when malformed) and answered 200
// {"ok":true}.
//
// Configuration ([[tenants.channels]] kind = "web"):
//   secret (or secret_env / secret_file): required, the HMAC key shared with
//     the widget backend.
//   timestamp_tolerance_s: optional integer, 1..86400. Default: 300.
//
// Thread safety: Handle() is const and may run concurrently on any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "routerd/adapter.h"

namespace routerd::adapters::web {

inline constexpr std::string_view kKind = "web";

class WebAdapter final : public ChannelAdapter {
 public:
  WebAdapter(ChannelIdentity identity, std::string secret, std::int64_t tolerance_seconds);

  // routerd::ChannelAdapter
  WebhookOutcome Handle(const WebhookRequest& request) const override;

 private:
  const ChannelIdentity identity_;
  const std::string secret_;
  const std::int64_t tolerance_seconds_;
};

std::unique_ptr<routerd::ChannelAdapterFactory> MakeWebAdapterFactory();

}  // namespace routerd::adapters::web
