// Parsing and normalizing a Messenger Platform delivery (channels.md §6.3).
//
// Shape: {"object":"page","entry":[{"id","time","messaging":[event],
// "standby":[event]}]}; every entry and event is iterated.
//
// Customer messages:
//   message (not is_echo) -> customer_id = sender.id (or sender.user_ref for
//     the chat plugin), provider_message_id = message.mid, text = message.text,
//     attachments[] {type, reference = payload.url; a location's
//     payload.coordinates become "geo:lat,long"; attachments with neither,
//     such as templates, carry nothing to fetch and are skipped}
//   postback -> provider_message_id = postback.mid, text = postback.title (the
//     button's label; postback.payload is developer data, not customer text).
//     A postback without mid (older API versions) gets the stable id
//     "postback:<sender>:<timestamp>", so that redeliveries still deduplicate.
// sent_at_ms = the event timestamp, a number or a string, seconds or ms
// (EpochToMillis). The webhook carries no display name.
//
// Ignored and counted: message.is_echo ("echo"), every standby[] event
// ("standby", another app owns the thread), entry changes[] ("change"), and
// events by name: delivery, read, reaction, optin, referral, account_linking,
// the handover events, ...; anything else "unknown_event".
//
// Pure: no signature, no I/O. All-or-nothing: one malformed event fails the
// whole body. Thread safety: safe to call concurrently (json.h).
#pragma once

#include <string_view>

#include "common/parsed_batch.h"
#include "routerd/status.h"

namespace routerd::adapters::facebook {

StatusOr<ParsedBatch> ParseMessengerPayload(std::string_view body);

}  // namespace routerd::adapters::facebook
