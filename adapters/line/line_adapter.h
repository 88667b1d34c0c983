// LineAdapter: the LINE Messaging API webhook.
//
// POST only (LINE has no handshake; GET and others: 405). Requires
// application/json (415), verifies x-line-signature over the raw body before
// parsing (401 when missing or wrong; LINE's own SDK answers 400, but routerd
// uses 401 for every signed channel), normalizes with ParseLinePayload (400
// when malformed) and answers 200 "{}". The console's Verify post (empty
// events) is a 200 like any other delivery.
//
// Configuration ([[tenants.channels]] kind = "line"):
//   channel_secret (or channel_secret_env / channel_secret_file): required.
//
// Thread safety: Handle() is const and may run concurrently on any thread.
#pragma once

#include <memory>
#include <string>

#include "routerd/adapter.h"

namespace routerd::adapters::line {

inline constexpr std::string_view kKind = "line";

class LineAdapter final : public ChannelAdapter {
 public:
  LineAdapter(ChannelIdentity identity, std::string channel_secret);

  // routerd::ChannelAdapter
  WebhookOutcome Handle(const WebhookRequest& request) const override;

 private:
  const ChannelIdentity identity_;
  const std::string channel_secret_;
};

std::unique_ptr<routerd::ChannelAdapterFactory> MakeLineAdapterFactory();

}  // namespace routerd::adapters::line
