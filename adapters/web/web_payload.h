// Parsing and normalizing one web widget event (the webhook issue's format):
//   {"event_id","type":"message"|"leave_message","visitor":{"id","name",
//    "phone","email"},"text","sent_at" (ms),"page_url","preferred_agent"}
//
// Mapping: provider_message_id = event_id, customer_id = visitor.id,
// display_name = visitor.name, phone = visitor.phone (E.164, or empty / absent;
// anything else is refused), text = text, preferred_agent = preferred_agent
// (an employee id the visitor asks for, at most 64 characters; routing
// ignores one it does not know), sent_at_ms = sent_at (a number or
// a string of digits; EpochToMillis also accepts seconds). "message" goes to
// contacts, "leave_message" to leave_messages; any other type is tolerated
// and counted as "unknown_event". visitor.email and page_url are type-checked
// but have no Contact field, so they are dropped.
//
// Pure: no signature, no I/O. Thread safety: safe to call concurrently.
#pragma once

#include <string_view>

#include "common/parsed_batch.h"
#include "routerd/status.h"

namespace routerd::adapters::web {

StatusOr<ParsedBatch> ParseWebPayload(std::string_view body);

}  // namespace routerd::adapters::web
