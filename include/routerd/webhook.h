// The socket-free shape of a webhook exchange, as a channel adapter sees it.
//
// The HTTP layer builds a WebhookRequest of views into its own buffers, calls the
// adapter, and acts on the WebhookOutcome: it deduplicates and submits the
// contacts all-or-nothing, then sends `response` (or 503 when the router cannot
// take them, so that the provider retries).
//
// Lifetime: every view in WebhookRequest is valid only during the adapter call;
// a WebhookOutcome owns all of its bytes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "routerd/contact.h"

namespace routerd {

struct HeaderView {
  std::string_view name;
  std::string_view value;
};

struct WebhookRequest {
  std::string_view method;        // "GET", "POST"
  std::string_view query;         // raw query string, without the '?'; not decoded
  std::string_view content_type;  // the Content-Type header, verbatim
  std::span<const HeaderView> headers;
  std::string_view body;          // exact bytes received; signatures are over these
  std::int64_t now_unix_ms = 0;   // wall clock, for replay windows

  // Case-insensitive header lookup; empty when absent.
  std::string_view Header(std::string_view name) const;
  // Decoded value of a query parameter (percent and '+' decoding; a malformed
  // escape is kept literally); empty when absent.
  std::string QueryParam(std::string_view name) const;
  // Whether the query carries the parameter at all (even with an empty value).
  bool HasQueryParam(std::string_view name) const;
};

struct WebhookResponse {
  int status = 200;
  std::string content_type = "text/plain";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Why an adapter refused a request; the HTTP layer counts these by kind.
enum class WebhookRejection {
  kNone = 0,
  kBadSignature,     // missing or wrong signature, wrong secret
  kReplay,           // timestamp outside the allowed window
  kMalformed,        // body or fields that cannot be parsed or have the wrong type
  kUnsupportedMedia, // wrong content type
  kBadHandshake,     // a verification GET that does not verify
  kMethod,           // a method the channel does not use
  kOverloaded,       // refused for now: too many unauthenticated handshakes, or no room to remember a delivery
};

struct WebhookOutcome {
  // Sent as is when there is nothing to accept (handshake, rejection, a batch
  // holding only ignored events), else once every contact has been accepted.
  WebhookResponse response;
  WebhookRejection rejection = WebhookRejection::kNone;
  // Customer messages to route. Their tenant_id, channel_kind, channel_id and
  // received_at_ms are filled by the adapter from its settings and the request.
  std::vector<Contact> contacts;
  // Messages the customer left for later (the web widget's leave_message).
  std::vector<Contact> leave_messages;
  // One entry per event that is not a customer message (receipt, echo, status,
  // unknown type), naming what it was: a static string such as "status" or
  // "unknown_event". Counted, never routed.
  std::vector<std::string_view> ignored;
};

}  // namespace routerd
