// Parsing and normalizing a WhatsApp Cloud API delivery (channels.md §5.3).
//
// Shape: {"object":"whatsapp_business_account","entry":[{"changes":[{"field",
// "value":{"contacts":[],"messages":[],"statuses":[]}}]}]}; every level is
// iterated. A change whose field is not "messages" is ignored (counted by
// field name); each statuses[] element is ignored as "status".
//
// Message mapping: customer_id = from, provider_message_id = id (wamid),
// sent_at_ms = timestamp (seconds, as a string), display_name =
// value.contacts[] profile.name of the entry whose wa_id equals from.
//   text                      -> text.body
//   image/audio/video/document/sticker
//                             -> attachment {type image/audio/video/file/sticker,
//                                reference = media id, mime_type, filename};
//                                text = caption
//   location                  -> attachment {type location, reference
//                                "geo:lat,lon", name}; text = address
//   contacts                  -> text: one "name: phone, phone" line per card
//   interactive               -> text = button_reply/list_reply title, or the
//                                nfm_reply (flow) body; other kinds ignored
//                                as "unsupported"
//   button                    -> text = button.text (template quick reply)
//   reaction / system / unsupported -> ignored under that name
//   anything else             -> ignored as "unknown_message"
//
// Pure: no signature, no I/O. All-or-nothing: one malformed entry fails the
// whole body. Thread safety: safe to call concurrently (json.h).
#pragma once

#include <string_view>

#include "common/parsed_batch.h"
#include "routerd/status.h"

namespace routerd::adapters::whatsapp {

StatusOr<ParsedBatch> ParseWhatsAppPayload(std::string_view body);

}  // namespace routerd::adapters::whatsapp
