// FacebookAdapter: the Messenger Platform webhook (Meta), kind "facebook".
//
// GET: the hub.* subscription check (200 echoing hub.challenge, else 403).
// POST: requires application/json (415), verifies the body signature before
// parsing (X-Hub-Signature-256; legacy X-Hub-Signature sha1 only when the
// SHA-256 header is absent, see facebook_signature.h; 401 when missing or
// wrong), normalizes with ParseMessengerPayload (400 when malformed) and
// answers 200 "EVENT_RECEIVED". Other methods: 405.
//
// Configuration ([[tenants.channels]] kind = "facebook"), each also as
// <key>_env or <key>_file:
//   app_secret: required, the Meta app secret that signs deliveries.
//   verify_token: required, the token configured for the subscription GET.
//
// Thread safety: Handle() is const and may run concurrently on any thread.
#pragma once

#include <memory>
#include <string>

#include "routerd/adapter.h"

namespace routerd::adapters::facebook {

inline constexpr std::string_view kKind = "facebook";

class FacebookAdapter final : public ChannelAdapter {
 public:
  FacebookAdapter(ChannelIdentity identity, std::string app_secret, std::string verify_token);

  // routerd::ChannelAdapter
  WebhookOutcome Handle(const WebhookRequest& request) const override;

 private:
  WebhookOutcome HandleDelivery(const WebhookRequest& request) const;

  const ChannelIdentity identity_;
  const std::string app_secret_;
  const std::string verify_token_;
};

std::unique_ptr<routerd::ChannelAdapterFactory> MakeFacebookAdapterFactory();

}  // namespace routerd::adapters::facebook
