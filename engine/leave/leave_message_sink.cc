#include "engine/leave/leave_message_sink.h"

#include "engine/leave/contact_number.h"

namespace routerd::leave {

LeaveMessage LeaveMessageFromEvent(const routing::RoutingEvent& e, std::int64_t now_ms) {
  LeaveMessage m;
  m.tenant_id = std::string(e.tenant_id);
  if (e.contact) {
    m.channel_kind = e.contact->channel_kind;
    m.channel_id = e.contact->channel_id;
    m.customer_id = e.contact->customer_id;
    m.display_name = e.contact->display_name;
  }
  m.skill_queue = std::string(e.queue_id);
  m.reason = std::string(routing::LeaveReasonName(e.leave_reason));
  e.ForEachMessage([&](const ContactPtr& c) { m.messages.push_back(c); });
  if (!m.messages.empty()) m.customer_id = ContactNumberOf(m.messages);
  m.created_at_ms = now_ms;
  m.session_id = e.session_id;
  return m;
}

}  // namespace routerd::leave
