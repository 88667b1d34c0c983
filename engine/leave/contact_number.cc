#include "engine/leave/contact_number.h"

namespace routerd::leave {

std::string ContactNumberOf(std::span<const ContactPtr> messages) {
  for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
    if (!(*it)->phone.empty()) return (*it)->phone;
  }
  return messages.front()->customer_id;
}

std::string_view ContactNumberType(const StoredLeaveMessage& message) {
  if (message.channel_kind == "voice" || IsE164PhoneNumber(message.customer_id)) return "phone";
  if (message.channel_kind == "web") return "visitor_id";
  return "customer_id";
}

}  // namespace routerd::leave
