#include "engine/daemon/session_journal.h"

#include <optional>
#include <string>
#include <vector>

#include "engine/gateway/gateway_json.h"

namespace routerd::daemon {
namespace {

// A session that left the router keeps its route trace in storage for the
// retention time. The router still holds it while this batch is handed on,
// unless more of the tenant's sessions ended in the batch than it keeps
// (ended_session_traces; 0 keeps none): those are not stored.
void AppendKeptTrace(const routing::RoutingEvent& e, std::vector<storage::SessionEvent>& out) {
  if (e.source == nullptr) return;
  std::optional<std::string> trace = gateway::EndedSessionTrace(*e.source, e.session_id);
  if (!trace) return;
  out.emplace_back(storage::SessionTraceKept{std::string(e.tenant_id), e.session_id, std::move(*trace)});
}

}  // namespace

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
        AppendKeptTrace(e, out);
      }
      break;
    case RoutingEventType::kLeaveMessage:  // the leave-message store ends the session
      AppendKeptTrace(e, out);
      break;
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
