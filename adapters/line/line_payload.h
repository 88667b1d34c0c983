// Parsing and normalizing a LINE Messaging API delivery (channels.md §7.3).
//
// Shape: {"destination":"U...","events":[event]}. An empty events array is
// the console's Verify post: accepted, and counted once as "verify".
//
// Message events (type "message", mode not "standby"):
//   customer_id = source.userId; in a group or room without a userId (users
//     who have not consented), the groupId/roomId stands in, so the
//     conversation is still routable as one customer.
//   provider_message_id = webhookEventId (stable across redeliveries);
//   sent_at_ms = timestamp (ms); no display name in the webhook.
//   text            -> text
//   image/video/audio/file -> attachment {type, reference = message.id (the
//                      content API key), size = fileSize, name = fileName}
//   location        -> attachment {type location, reference "geo:lat,lon",
//                      name = title}; text = address
//   sticker         -> attachment {type sticker, reference = stickerId};
//                      text = the sticker's text, if any
//   other message types -> ignored as "unknown_message"
// Ignored and counted: events with mode "standby" ("standby", another module
// owns the chat), and the non-message event types by name (follow, unfollow,
// join, leave, postback, unsend, ...); unknown types as "unknown_event".
//
// Pure: no signature, no I/O. All-or-nothing: one malformed event fails the
// whole body. Thread safety: safe to call concurrently (json.h).
#pragma once

#include <string_view>

#include "common/parsed_batch.h"
#include "routerd/status.h"

namespace routerd::adapters::line {

StatusOr<ParsedBatch> ParseLinePayload(std::string_view body);

}  // namespace routerd::adapters::line
