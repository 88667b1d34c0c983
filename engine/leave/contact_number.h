// The contact number of a leave message: the number an agent calls back to
// process it. A customer who gave a phone (the web widget's visitor.phone,
// E.164) is called on it; otherwise the channel's customer id stands in (a
// web visitor id, a WhatsApp id, ...), and for the IVR's voice messages it is
// the caller's number as the IVR gave it.
//
// Thread safety: stateless.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "engine/leave/leave_types.h"
#include "routerd/contact.h"

namespace routerd::leave {

// The last phone any of `messages` gave, else the first one's customer id.
// REQUIRES: !messages.empty().
std::string ContactNumberOf(std::span<const ContactPtr> messages);

// What a stored message's contact number is: "phone" (a voice message's
// caller, or an E.164 number), "visitor_id" (a web visitor who gave no
// phone) or "customer_id" (another channel's customer id). Only "phone" can
// be called.
std::string_view ContactNumberType(const StoredLeaveMessage& message);

}  // namespace routerd::leave
