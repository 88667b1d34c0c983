#include "engine/daemon/session_journal.h"

#include <string>
#include <vector>


namespace routerd::daemon {

void AppendStorageEvent(const routing::RoutingEvent& e, const Clock& clock, std::int64_t& now_ms,
                        std::vector<storage::SessionEvent>& out) {
  using routing::RoutingEventType;
  switch (e.type) {
    case RoutingEventType::kSessionOpened: {
      if (now_ms == 0) now_ms = clock.WallMs();
      storage::SessionOpened opened;
      opened.tenant_id = std::string(e.tenant_id);
      opened.session_id = e.session_id;
      opened.channel_kind = e.contact->channel_kind;
      opened.channel_id = e.contact->channel_id;
      opened.customer_id = e.contact->customer_id;
      opened.queue_id = std::string(e.queue_id);
      opened.arrival_ms = now_ms;
      opened.contacts.push_back(e.contact);
      out.emplace_back(std::move(opened));
      break;
    }
    case RoutingEventType::kAssigned: {
      if (e.strategy == "restored") break;
      // Its contacts were named as they joined (opened, kMessageQueued).
      out.emplace_back(storage::SessionAssigned{std::string(e.tenant_id), e.session_id, std::string(e.employee_id)});
      break;
    }
    case RoutingEventType::kMessage:
    case RoutingEventType::kMessageQueued:
      out.emplace_back(storage::SessionContactsAdded{std::string(e.tenant_id), e.session_id, {e.contact}});
      break;
    case RoutingEventType::kSessionQueued:
      out.emplace_back(storage::SessionRequeued{std::string(e.tenant_id), e.session_id, std::string(e.queue_id)});
      break;
    case RoutingEventType::kSessionEnded:
      if (e.end_reason == routing::EndReason::kRequeued || e.end_reason == routing::EndReason::kTransferred) {
        out.emplace_back(storage::SessionRequeued{std::string(e.tenant_id), e.session_id, {}});
      } else {
        out.emplace_back(
            storage::SessionEnded{std::string(e.tenant_id), e.session_id, std::string(EndReasonName(e.end_reason))});
      }
      break;
    case RoutingEventType::kLeaveMessage:  // the leave-message store ends the session
    case RoutingEventType::kAgentState:
    case RoutingEventType::kCommandResult:
      break;
  }
}

void SessionJournal::OnRoutingEvents(std::span<routing::RoutingEvent> events) {
  std::vector<storage::SessionEvent> out;
  std::int64_t now_ms = 0;
  for (const routing::RoutingEvent& e : events) AppendStorageEvent(e, clock_, now_ms, out);
  if (out.empty()) return;
  if (!storage_.AppendSessionEvents(std::move(out)).ok()) {
    refused_.fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace routerd::daemon
