// What a TenantRouter shows of its state: agents, sessions, route traces and
// queues, as read-only views that the router fills on its shard thread (the
// API, the console, the journal and the tests read them there, or copy them
// out). Pointers and spans in a view stay valid until the router's next step.
//
// Thread safety: plain values; see the router for when a view may be read.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "engine/config/config.h"
#include "engine/routing/cap_resolver.h"
#include "engine/routing/routing_events.h"
#include "routerd/contact.h"

namespace routerd::routing {

inline constexpr std::uint32_t kNone = UINT32_MAX;
inline constexpr std::uint32_t kAnyAgent = UINT32_MAX;

// A session's priority: set at run time for it, else its channel's, else
// its queue's.
enum class PriorityOrigin : std::uint8_t { kQueue, kChannel, kSession };
inline std::string_view PriorityOriginName(PriorityOrigin o) {
  return o == PriorityOrigin::kSession ? "session" : o == PriorityOrigin::kChannel ? "channel" : "queue";
}

// After-contact work: a session the agent closed, whose unit of capacity it
// holds until `until_ns` or until it ends the work itself.
struct WrapUp {
  std::uint64_t session_id = 0;
  std::int64_t until_ns = 0;
  std::uint32_t queue = 0;
  std::uint8_t kind = 0;  // per-channel-kind access: the session's channel kind
};
// Per-channel-kind access: an agent's units of one channel kind (sessions
// and after-contact work) and its cap for that kind.
struct KindLoad {
  std::uint32_t load = 0;
  EffectiveCap cap;
};
// An agent as the router sees it now.
struct AgentView {
  std::string_view employee_id;
  config::AgentType type;
  AgentState state;
  std::string_view not_ready_reason;  // empty unless not ready for a configured reason
  EffectiveCap cap;
  std::span<const std::uint32_t> session_slots;  // valid until the next step
  std::span<const WrapUp> wrap_ups;              // ditto
  const config::SkillLevels* skills;             // as configured
  // Per-channel-kind access: by kind index (TenantRouter::KindName); empty
  // in unified access. `cap` is then the cap of kinds that no level caps by
  // itself.
  std::span<const KindLoad> kinds;
  // The agent's own cap now (configured, or set at run time; nullopt:
  // none), and whether the agent set it itself.
  std::optional<std::uint32_t> own_cap;
  bool own_cap_personal;
  // Units of capacity taken: sessions and after-contact work.
  std::uint32_t load() const { return static_cast<std::uint32_t>(session_slots.size() + wrap_ups.size()); }
};

// A preferred agent: where the preference came from, and what became of it.
enum class PreferenceSource : std::uint8_t { kNone, kLastAgent, kContact, kTransfer };
enum class PreferenceOutcome : std::uint8_t {
  kPending,      // reserved for the agent, or not yet tried
  kServed,       // the preferred agent took it
  kExpired,      // it waited sticky_wait_seconds; any agent could take it then
  kUnavailable,  // the agent was signed out, unknown or not qualified: any agent at once
  kLeft,         // it overflowed while reserved
};
std::string_view PreferenceSourceName(PreferenceSource s);
std::string_view PreferenceOutcomeName(PreferenceOutcome o);

// Why a session went to its agent: enough to explain the decision later.
// Kept small (it is in every session slot); the strategy's name is derived
// from the queue (TenantRouter::TraceStrategy).
struct RouteTrace {
  EffectiveCap cap;             // the agent's effective cap then, and its origin
  std::uint32_t queue = kNone;  // the queue it was assigned from
  bool transferred = false;     // given to the agent by a transfer, not by the queue's policy
  std::uint8_t priority = 0;    // the session's priority then
  PreferenceSource preference = PreferenceSource::kNone;  // a preferred agent, and
  PreferenceOutcome preference_outcome = PreferenceOutcome::kPending;  // what became of it
  std::int64_t waited_ns = 0;   // from arrival to assignment
};

// An open session as the router holds it now.
struct SessionView {
  std::uint64_t id;
  std::uint32_t channel;
  std::uint32_t queue;
  std::uint32_t agent;  // kNone while waiting
  std::int64_t arrival_ns;
  std::int64_t enqueued_ns;  // when it last entered a queue
  std::int64_t last_activity_ns;
  std::size_t messages;
  std::uint8_t priority;           // in effect in its queue now
  PriorityOrigin priority_origin;  // where it comes from
  const ContactPtr* first;
  const RouteTrace* trace;  // assigned sessions: the last assignment
  const std::vector<ContactPtr>* history;
  // The agent it prefers (kNone: none or unknown), why, and what became of it.
  std::uint32_t preferred_agent;
  PreferenceSource preference;
  PreferenceOutcome preference_outcome;
  bool reserved;  // waiting for its preferred agent
};

// One step of a session's way through the router, at router time `at_ns`.
enum class HopKind : std::uint8_t {
  kEntered,      // entered `queue` (its first, an overflow's, a transfer's target, or back after a requeue)
  kReserved,     // waits in `queue` for `agent`, its preferred agent (detail: PreferenceSource)
  kWaitEnded,    // stopped waiting for `agent` (detail: PreferenceOutcome)
  kAssigned,     // given to `agent` from `queue` (detail: 1 = by a transfer; cap, cap_origin)
  kOverflowed,   // left `queue` (detail: LeaveReason)
  kTransferred,  // `agent` handed it on
  kRequeued,     // `agent` signed out
  kEnded,        // left `agent` (detail: EndReason), with after-contact work of `wrap_up_ms`
  kLeaveMessage, // became a leave message of `queue` (detail: LeaveReason)
};
std::string_view HopKindName(HopKind k);
struct RouteHop {
  std::int64_t at_ns = 0;
  HopKind kind = HopKind::kEntered;
  std::uint8_t detail = 0;
  std::uint8_t cap = 0;  // kAssigned: the agent's effective cap then
  CapOrigin cap_origin = CapOrigin::kTenant;
  std::uint32_t queue = kNone;  // a queue's index (its first lane)
  std::uint32_t agent = kNone;
  std::uint32_t wrap_up_ms = 0;  // kEnded
};

// An ended session whose trace is kept.
struct EndedSessionView {
  std::uint64_t id;
  std::uint32_t channel;
  std::int64_t arrival_ns;
  std::int64_t ended_ns;
  const ContactPtr* first;
};

// Two clocks of a waiting session: its arrival orders the queue (a requeued
// or transferred session keeps its turn), while its time in the queue counts
// from when it last entered one; max_wait and the oldest wait use the latter.
struct QueueStats {
  std::uint32_t waiting = 0;   // all of them, reserved ones included
  std::uint32_t reserved = 0;  // waiting for a preferred agent only
  std::int64_t oldest_arrival_ns = 0;   // first arrival of the next session to be served, when waiting > 0
  std::int64_t oldest_enqueued_ns = 0;  // earliest entry into this queue of a waiting session, when waiting > 0
  std::uint32_t eligible_agents = 0;
};

}  // namespace routerd::routing
