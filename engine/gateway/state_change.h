// An agent's change of state as REST ({"state":"not_ready","reason":"lunch"})
// and the WebSocket ({"type":"not_ready","reason":"lunch"}) both ask for it:
// the state's name in the caller's vocabulary, an optional reason, checked
// against the tenant's not_ready_reasons in one place.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/config/config.h"
#include "engine/routing/routing_events.h"
#include "routerd/status.h"

namespace routerd::gateway {

// REST says "signed_in" / "signed_out", the WebSocket "sign_in" / "sign_out";
// "ready" and "not_ready" are the same in both.
enum class StateVocabulary { kRest, kWebSocket };

// Fills command.type and command.reason, or answers InvalidArgument naming the
// field ("state" or "reason") and what is allowed. A reason is only for
// not_ready.
Status ParseStateChange(const config::TenantConfig& tenant, StateVocabulary vocabulary, std::string_view state,
                        std::optional<std::string_view> reason, routing::AgentCommand& command);

}  // namespace routerd::gateway
