// Contact: one normalized inbound customer message, whatever channel it came from.
//
// A Contact owns all of its bytes: adapters copy exactly once out of the request
// body (which is reused by the next request) into these strings. Provider quirks
// stay in the adapters; this type holds only what every channel can say.
//
// Thread safety: a plain value. Once handed to the router it is shared read-only
// (ContactPtr) between the router shard and the agent gateway.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace routerd {

// A reference to media the provider holds; routerd never stores the bytes of a
// webhook attachment, only how to fetch them.
struct AttachmentRef {
  std::string type;       // "image", "audio", "video", "file", "location", "sticker", ...
  std::string reference;  // provider media id or URL
  std::string mime;       // empty when the provider does not say
  std::optional<std::uint64_t> size_bytes;
  std::string name;       // file name, when the provider gives one
};

struct Contact {
  std::string tenant_id;
  std::string channel_kind;  // registry name of the adapter: "whatsapp", "line", ...
  std::string channel_id;    // the configured channel instance, unique within the tenant
  std::string customer_id;   // stable per (channel instance, customer)
  std::string display_name;  // empty when the payload has none
  // A phone number the customer gave to be called back on, E.164
  // (IsE164PhoneNumber); empty when the channel gives none.
  std::string phone;
  std::string provider_message_id;  // dedup key within the channel instance
  std::string text;
  // An agent the customer asks for (an employee id), as the web widget's
  // `preferred_agent` gives it; empty: none. Honoured for a new session only,
  // and not kept in the journal.
  std::string preferred_agent;
  std::vector<AttachmentRef> attachments;
  std::int64_t sent_at_ms = 0;      // provider's send time, Unix milliseconds
  std::int64_t received_at_ms = 0;  // when routerd accepted it, Unix milliseconds
};

using ContactPtr = std::shared_ptr<const Contact>;

// E.164: "+", then 2 to 15 digits, the first not 0 ("+34600111222").
inline bool IsE164PhoneNumber(std::string_view number) {
  if (number.size() < 3 || number.size() > 16 || number[0] != '+' || number[1] < '1' || number[1] > '9') return false;
  for (std::size_t i = 2; i < number.size(); ++i) {
    if (number[i] < '0' || number[i] > '9') return false;
  }
  return true;
}

}  // namespace routerd
