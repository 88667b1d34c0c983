// LeaveMessageSink: where sessions that could not be served go, and where the
// web widget's leave_message events go.
//
// The router emits kLeaveMessage events; the daemon turns each into a
// LeaveMessage and submits a batch per router batch. The durable repository
// (LeaveRepository, behind the storage backend) implements this interface.
//
// Thread safety: Submit is called from router shard threads (several at once)
// and must not block on disk: a durable implementation hands off to its writer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/routing/routing_events.h"
#include "routerd/contact.h"

namespace routerd::leave {

struct LeaveMessage {
  std::string tenant_id;
  std::string channel_kind;
  std::string channel_id;
  std::string customer_id;   // the contact number (ContactNumberOf)
  std::string display_name;
  std::string skill_queue;
  std::string reason;        // queue_full | max_wait | idle_timeout | customer (web leave_message)
  std::vector<ContactPtr> messages;
  std::int64_t created_at_ms = 0;
  // The router session that became this message (ended when it is stored);
  // 0 when none (a web leave_message event, a voice upload).
  std::uint64_t session_id = 0;
};

class LeaveMessageSink {
 public:
  virtual ~LeaveMessageSink() = default;
  virtual void Submit(std::vector<LeaveMessage>&& batch) = 0;
};

// REQUIRES: event.type == kLeaveMessage.
LeaveMessage LeaveMessageFromEvent(const routing::RoutingEvent& event, std::int64_t now_ms);

}  // namespace routerd::leave
