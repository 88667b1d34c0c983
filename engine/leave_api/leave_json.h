// JSON forms of leave messages for the REST API, downloads and the agent
// WebSocket notification (docs/agent-api.md, "Leave messages").
//
// Thread safety: stateless functions.
#pragma once

#include <string>
#include <vector>

#include "engine/storage/leave_message_store.h"

namespace routerd::leave_api {

// One message: {"id":..,"channel_type":..,...}. `history` is added as
// "history":[...] when given.
std::string MessageJson(const storage::StoredLeaveMessage& message,
                        const std::vector<storage::LeaveHistoryEntry>* history = nullptr);

// {"type":"leave_message_allocated","message":{...}}: told to the agent a
// message was allocated to.
std::string AllocatedEventJson(const storage::StoredLeaveMessage& message);

}  // namespace routerd::leave_api
