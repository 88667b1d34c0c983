// Who may be given a leave message, by hand or automatically: an agent whose
// type serves the message's media (config::AgentServesMedia), so a voice
// agent never gets a web or other multimedia message, and a multimedia agent
// never a voice message it could not answer.
//
// Thread safety: stateless.
#pragma once

#include <string_view>

#include "engine/config/config.h"
#include "routerd/status.h"

namespace routerd::leave {

// The media of a message of `channel_kind`: voice for the IVR's, multimedia
// for every other channel.
config::QueueMedia LeaveMessageMedia(std::string_view channel_kind);

// OK, or FailedPrecondition saying why `agent` may not be given a message of
// `channel_kind` (REST 409).
Status CheckAllocationTarget(std::string_view channel_kind, const config::AgentConfig& agent);

}  // namespace routerd::leave
