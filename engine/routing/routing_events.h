// What the router tells the rest of the daemon, and what it is told.
//
// A router shard processes a batch of inputs (contacts, AgentCommands, a tick)
// and collects RoutingEvents; at the end of the batch it hands them all to the
// RoutingEventSink at once, so consumers (agent gateway, leave-message store,
// metrics) are woken once per batch rather than once per event.
//
// Lifetime: the string_views in an event point into the router's immutable
// model (ids from the configuration), the PolicyRegistry or static storage,
// and stay valid for the router's life, across TenantRouter::Reset too.
// ContactPtr and vectors are owned by the event.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "engine/routing/cap_resolver.h"
#include "routerd/contact.h"
#include "routerd/status.h"

namespace routerd::routing {

class TenantRouter;

enum class AgentState : std::uint8_t { kSignedOut, kNotReady, kReady };

enum class AgentCommandType : std::uint8_t {
  kSignIn,        // signed out -> not ready
  kReady,         // -> ready: receives sessions
  kNotReady,      // rest: keeps its sessions, receives no new ones
  kSignOut,       // its sessions go back to their queues at their original arrival time
  kCloseSession,  // frees one unit of capacity at once
  kSetAgentCap,   // cap = nullopt clears the agent's own setting
  kSetOuCap,      // target is an OU index
  kSetTenantCap,  // nullopt restores the configured tenant cap
  kTransfer,      // session_id to to_queue, or to to_agent (who must be ready and below its cap)
  kEndWrapUp,     // ends the agent's after-contact work for session_id (0: all of it) at once
  kSetPriority,   // session_id (any of the tenant's) gets `priority`; nullopt clears it (target unused)
};

struct AgentCommand {
  AgentCommandType type = AgentCommandType::kSignIn;
  std::uint32_t tenant = 0;      // shard-local tenant index
  std::uint32_t target = 0;      // agent index, or OU index for kSetOuCap
  std::uint64_t session_id = 0;  // kCloseSession, kTransfer, kEndWrapUp
  // kNotReady: why, as 1 + the index in the tenant's not_ready_reasons; 0 = no reason given.
  std::uint8_t reason = 0;
  std::optional<std::uint32_t> cap;
  std::optional<std::uint8_t> priority;  // kSetPriority: 0..9
  bool personal = false;                // kSetAgentCap: the agent sets its own cap
  std::uint32_t to_queue = UINT32_MAX;  // kTransfer
  std::uint32_t to_agent = UINT32_MAX;  // kTransfer
  std::uint64_t correlation = 0;  // echoed in kCommandResult; 0 = no reply wanted
};

enum class RoutingEventType : std::uint8_t {
  kAssigned,       // a session was given to an agent
  kMessage,        // a new contact of a session that has an agent
  kSessionEnded,   // a session left its agent (see EndReason)
  kLeaveMessage,   // a session could not be served and became a leave message
  kAgentState,     // an agent's state, load or effective cap changed
  kCommandResult,  // the answer to an AgentCommand with a correlation id
  kSessionOpened,  // a new session entered its queue (only with emit_session_opened)
  kSessionQueued,  // a session moved to another queue: transfer or overflow (ditto)
  kMessageQueued,  // a new contact of a waiting session (ditto)
};

enum class EndReason : std::uint8_t { kClosed, kIdleTimeout, kRequeued, kTransferred };
enum class LeaveReason : std::uint8_t { kQueueFull, kMaxWait, kIdleTimeout };

std::string_view EndReasonName(EndReason r);
std::string_view LeaveReasonName(LeaveReason r);
std::string_view AgentStateName(AgentState s);
std::string_view CapOriginName(CapOrigin o);

struct RoutingEvent {
  // Provided, so that emplace_back() runs only the member initializers: the
  // implicit one makes value-initialization zero all 240 bytes first (a `rep
  // stos`, 8 to 18 % of a router step in perf).
  RoutingEvent() {}

  RoutingEventType type = RoutingEventType::kAssigned;
  std::string_view tenant_id;
  std::uint32_t tenant = 0;  // shard-local index
  std::uint64_t session_id = 0;
  std::uint32_t agent = 0;   // index within the tenant, when an agent is involved
  std::string_view employee_id;
  std::string_view queue_id;
  // kAssigned, kMessage, kSessionEnded, kLeaveMessage, kSessionOpened: the session's first
  // contact (channel, customer, display name); kMessage: the new contact.
  ContactPtr contact;
  // kAssigned: the messages so far; kLeaveMessage: every message of the
  // session. Empty when `contact` is the only one (the common case, which then
  // costs no allocation); use MessageCount() and ForEachMessage().
  std::vector<ContactPtr> history;
  // kAssigned: the route trace that explains the decision.
  std::string_view strategy;
  std::uint32_t effective_cap = 0;
  CapOrigin cap_origin = CapOrigin::kTenant;
  std::string_view cap_origin_ou;  // when cap_origin == kOu
  std::uint32_t active_sessions = 0;  // agent's sessions after the event
  // The agent's units of after-contact work after the event (kAgentState,
  // kSessionEnded); each holds one unit of capacity like a session.
  std::uint32_t wrap_ups = 0;
  std::int64_t wrap_up_ns = 0;  // kSessionEnded: the after-contact work this session left, 0 = none
  std::string_view not_ready_reason;  // kAgentState: set while not ready for a configured reason
  std::int64_t waited_ns = 0;
  EndReason end_reason = EndReason::kClosed;
  LeaveReason leave_reason = LeaveReason::kQueueFull;
  AgentState agent_state = AgentState::kSignedOut;
  // kCommandResult
  std::uint64_t correlation = 0;
  StatusCode result = StatusCode::kOk;
  std::string_view error;  // a static explanation when result != kOk
  // kSessionEnded and kLeaveMessage: the tenant's router, which still holds
  // the session's route trace (TenantRouter::EndedSession, RouteOf) while the
  // batch is handed on, on its shard thread; sinks on other threads must not
  // use it.
  const TenantRouter* source = nullptr;

  std::size_t MessageCount() const { return history.empty() ? (contact ? 1 : 0) : history.size(); }
  template <typename Fn>
  void ForEachMessage(Fn&& fn) const {
    if (history.empty()) {
      if (contact) fn(contact);
    } else {
      for (const ContactPtr& c : history) fn(c);
    }
  }
};

class RoutingEventSink {
 public:
  virtual ~RoutingEventSink() = default;
  // Called on the shard thread once per processed batch; must not block.
  // Consumers copy what they keep.
  virtual void OnRoutingEvents(std::span<RoutingEvent> events) = 0;
};

}  // namespace routerd::routing
