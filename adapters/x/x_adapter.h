// XAdapter: the X (Twitter) Account Activity API webhook for direct messages.
//
// GET ?crc_token=T answers the CRC challenge (200 JSON, 400 without a token).
// POST verifies x-twitter-webhooks-signature over the raw body before parsing
// (401 when missing or wrong), requires application/json (415), then
// normalizes with ParseXPayload (400 when malformed). Other methods: 405.
//
// Configuration ([[tenants.channels]] kind = "x"):
//   consumer_secret (or consumer_secret_env / consumer_secret_file): required,
//   the app's API secret key, which signs both the CRC and deliveries.
//
// Thread safety: Handle() is const and may run concurrently on any thread.
#pragma once

#include <memory>
#include <string>

#include "routerd/adapter.h"

namespace routerd::adapters::x {

inline constexpr std::string_view kKind = "x";

class XAdapter final : public ChannelAdapter {
 public:
  XAdapter(ChannelIdentity identity, std::string consumer_secret);

  // routerd::ChannelAdapter
  WebhookOutcome Handle(const WebhookRequest& request) const override;

 private:
  WebhookOutcome HandleCrc(const WebhookRequest& request) const;
  WebhookOutcome HandleDelivery(const WebhookRequest& request) const;

  const ChannelIdentity identity_;
  const std::string consumer_secret_;
};

std::unique_ptr<routerd::ChannelAdapterFactory> MakeXAdapterFactory();

}  // namespace routerd::adapters::x
