// JSON forms of leave messages for the REST API, downloads and the agent
// WebSocket notification (docs/agent-api.md, "Leave messages").
//
// Thread safety: stateless functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/leave/leave_repository.h"

namespace routerd::leave {

// One message: {"id":..,"channel_type":..,...}. `history` is added as
// "history":[...] when given. Without `show_contact` (the reader's role lacks
// the view_contact right) the contact number is masked (MaskContactNumber).
std::string MessageJson(const leave::StoredLeaveMessage& message,
                        const std::vector<leave::LeaveHistoryEntry>* history = nullptr, bool show_contact = true);

// {"type":"leave_message_allocated","message":{...}}: told to the agent a
// message was allocated to. `show_contact`: whether the tenant's agent role
// has view_contact.
std::string AllocatedEventJson(const leave::StoredLeaveMessage& message, bool show_contact);

// A contact number for a reader who may not see it: every character but the
// last four becomes '*', and one of four characters or fewer is masked whole
// (showing "all but four" of those would show all). Characters, not bytes:
// UTF-8 sequences are kept whole or masked whole.
std::string MaskContactNumber(std::string_view number);

}  // namespace routerd::leave
