// Parsing and normalizing an X Account Activity API delivery (channels.md §2.3).
//
// One POST carries top-level event arrays. Customer messages are the
// direct_message_events[] of type message_create whose sender is not the
// subscribed account (for_user_id); DMs our own account sent are echoes
// ("own_account_event"). Every element of the other event arrays (typing,
// read, follow, tweets, ...) is ignored and counted by kind, as is a DM event
// of another type. `users` supplies display names; `apps` is not needed.
//
// Field mapping: customer_id = message_create.sender_id, provider_message_id =
// id, sent_at_ms = created_timestamp (ms, a string), text =
// message_data.text, one attachment from message_data.attachment.media
// (reference media_url_https, else id_str/id; type photo -> image, video and
// animated_gif -> video), display_name = users[sender_id].name.
//
// Pure: no signature, no I/O. All-or-nothing: any malformed DM event fails
// the whole body. Thread safety: safe to call concurrently (json.h).
#pragma once

#include <string_view>

#include "common/parsed_batch.h"
#include "routerd/status.h"

namespace routerd::adapters::x {

StatusOr<ParsedBatch> ParseXPayload(std::string_view body);

}  // namespace routerd::adapters::x
