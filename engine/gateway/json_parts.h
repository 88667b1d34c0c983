// Pieces of the JSON the gateway writes that more than one message shares:
// a session id, a channel and customer, a not-ready reason, a cap's origin.
// Internal to engine/gateway.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/routing/routing_events.h"
#include "routerd/contact.h"

namespace routerd::gateway {

// "session_id":"<id>" (a string: 64-bit ids stay exact in JavaScript clients).
void AppendSessionId(std::string& out, std::uint64_t id);
// "channel":{"kind","id"},"customer":{"id","name"}
void AppendChannel(std::string& out, const Contact& c);
// ,"not_ready_reason":"lunch" while not ready for a configured reason; nothing otherwise.
void AppendNotReadyReason(std::string& out, std::string_view reason);
// "cap_origin":"ou","cap_origin_ou":"<ou>" (the OU only for an OU's cap).
void AppendCapOrigin(std::string& out, routing::CapOrigin origin, std::string_view ou);
// "key":["a","b"]
void AppendStringArray(std::string& out, std::string_view key, const std::vector<std::string>& values);

}  // namespace routerd::gateway
