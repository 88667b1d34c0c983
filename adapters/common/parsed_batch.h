// ParsedBatch: what an adapter's pure parse function returns, and Accept(),
// which turns it into the WebhookOutcome of an accepted delivery.
//
// The parse functions fill only what the payload says (customer, message id,
// times, text, attachments, display name); Accept() adds what the channel
// instance and the request say (tenant, kind, channel, received_at_ms), so the
// parsers stay pure and fuzzable.
//
// Thread safety: plain values and a pure function.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "routerd/adapter.h"
#include "routerd/contact.h"
#include "routerd/webhook.h"

namespace routerd::adapters {

struct ParsedBatch {
  std::vector<Contact> contacts;
  std::vector<Contact> leave_messages;
  // Static names of events that are not customer messages ("status", "echo").
  std::vector<std::string_view> ignored;
};

// Stamps every contact with the channel identity (channel_kind = `kind`, the
// registry name) and `received_at_ms`, and answers with `response`.
WebhookOutcome Accept(ParsedBatch batch, const ChannelIdentity& identity, std::string_view kind,
                      std::int64_t received_at_ms, WebhookResponse response);

}  // namespace routerd::adapters
