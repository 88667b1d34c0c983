// The building blocks of one tenant's routing state, as TenantRouter lays
// them out: waiting sessions' places, session slots, lanes (QueueState), an
// agent's memberships, its slot, and the deadlines of after-contact work.
// Only TenantRouter uses them (tenant_router.h says what it does with them);
// they live here so that each header keeps to one purpose.
//
// Thread safety: none; owned by the router shard thread, as TenantRouter.
#pragma once

#include <cassert>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "engine/config/config.h"
#include "engine/routing/cap_resolver.h"
#include "engine/routing/eligible_agents.h"
#include "engine/routing/indexed_heap.h"
#include "engine/routing/queue_statistics.h"
#include "engine/routing/routing_events.h"
#include "engine/routing/tenant_router_views.h"
#include "routerd/assignment_policy.h"
#include "routerd/contact.h"

namespace routerd::routing::router_state {

// A session's priority set by nobody: its channel's, else its queue's.
inline constexpr std::uint8_t kNoPriority = 0xFF;

// A waiting session's place: its service key (ServiceKey), then the order
// of first arrival among equal keys.
struct WaitEntry {
  std::int64_t key_ns;
  std::uint64_t seq;
  std::uint32_t slot;
};
struct WaitLess {
  bool operator()(const WaitEntry& a, const WaitEntry& b) const {
    return a.key_ns != b.key_ns ? a.key_ns < b.key_ns : a.seq < b.seq;
  }
};

struct SessionSlot {
  std::uint64_t id = 0;  // 0 = free
  std::uint64_t key_hash = 0;
  ContactPtr first;
  // At the limit, each new message drops the second-oldest: a bounded move
  // of at most session_history_limit pointers. (A deque was measured to cost
  // the router 15-25 % in slot size and allocations for no ingest gain.)
  std::vector<ContactPtr> history;
  std::int64_t arrival_ns = 0;
  std::int64_t enqueued_ns = 0;
  std::int64_t last_activity_ns = 0;
  std::uint64_t arrival_seq = 0;
  std::uint32_t channel = 0;
  std::uint32_t queue = 0;
  std::uint32_t agent = kNone;
  std::uint32_t heap_slot = kNone;  // in queues_[queue]->waiting
  std::uint8_t priority_override = kNoPriority;  // set at run time
  PreferenceSource preference = PreferenceSource::kNone;
  PreferenceOutcome preference_outcome = PreferenceOutcome::kPending;
  bool reserved : 1 = false;                  // on preferred_agent's list, not in a heap
  bool traced : 1 = false;                    // has hops in traced_hops_ (beyond arrival and one assignment)
  std::uint32_t preferred_agent = kNone;
  std::uint32_t wait_prev = kNone, wait_next = kNone;  // deadline list of the queue (on its first lane)
  std::uint32_t idle_prev = kNone, idle_next = kNone;  // tenant idle list
  RouteTrace trace;
};

struct WaitMove {
  std::vector<SessionSlot>* sessions;
  void operator()(const WaitEntry& e, std::uint32_t slot) const { (*sessions)[e.slot].heap_slot = slot; }
};

struct QueueState {
  std::string id;
  const AssignmentPolicy* policy = nullptr;
  std::int64_t max_wait_ns = 0;
  std::uint32_t max_waiting = 0;
  std::uint32_t overflow_queue = kNone;  // kNone = leave message
  std::int64_t wrap_up_ns = 0;           // after-contact work per closed session
  std::int64_t aging_ns = 0;             // waiting time one priority level is worth
  std::uint8_t priority = 0;             // for channels that set none
  bool voice = false;
  std::int64_t sticky_ns = 0;            // a customer's last agent is preferred this long after
  std::int64_t sticky_wait_ns = 0;       // how long a session waits for its preferred agent
  std::uint32_t base = kNone;            // the queue's first lane (itself for a first lane)
  std::uint32_t reserved = 0;            // first lanes only: sessions waiting for a preferred agent
  std::vector<std::uint32_t> lanes;      // first lanes only: itself, then its skill lanes
  std::vector<std::uint32_t> member_agent;  // member -> agent index; kNone: it left the lane
  std::uint64_t served_seq = 0;
  EligibleAgents eligible;  // by member; an entry's ordinal is the agent's index
  IndexedHeap<WaitEntry, WaitLess, WaitMove> waiting;
  std::uint32_t wait_head = kNone, wait_tail = kNone;  // first lanes only: the queue's deadline list
  // Last: written once per assignment and close, kept off the lines the
  // dispatch reads.
  QueueStatistics stats;

  QueueState(std::vector<SessionSlot>* sessions)
      : waiting(WaitLess(), WaitMove{sessions}) {}
  // Reset: no eligible agent and no waiting session, as built; the rest is
  // the model, and `stats` counts on.
  void ClearRouting() {
    reserved = 0;
    served_seq = 0;
    eligible.clear();
    waiting.clear();
    wait_head = wait_tail = kNone;
  }
};

// An agent's place in one lane it qualifies for.
struct Membership {
  std::uint32_t queue;  // the lane
  std::uint32_t member;
  std::uint64_t last_served_seq = 0;  // from the queue, whichever lane
  std::uint32_t base = 0;             // the queue's first lane
  std::uint32_t skill_level = 0;      // AgentRankInput::skill_level for this lane
};

// An agent's sessions: at most kMaxCap, because a session is only assigned
// below the cap and caps never exceed it; kept inline so that touching an
// agent is one contiguous block, not a struct plus heap arrays.
class SessionList {
 public:
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const std::uint32_t* begin() const { return slots_; }
  const std::uint32_t* end() const { return slots_ + size_; }
  void push_back(std::uint32_t slot) {
    assert(size_ < kCapacity);
    slots_[size_++] = slot;
  }
  // Order is not kept: the last entry takes the removed one's place.
  void Remove(std::uint32_t slot) {
    for (std::uint32_t i = 0; i < size_; ++i) {
      if (slots_[i] == slot) {
        slots_[i] = slots_[--size_];
        return;
      }
    }
    assert(false && "session not held by this agent");
  }

 private:
  static constexpr std::uint32_t kCapacity = config::kMaxCap;
  std::uint32_t size_ = 0;
  std::uint32_t slots_[kCapacity];
};

// Hot fields first: an assignment or a close reads the first cache line and
// the start of `sessions`, which follows it.
struct alignas(64) AgentSlot {
  AgentState state = AgentState::kSignedOut;
  config::AgentType type = config::AgentType::kMultimedia;
  std::uint8_t not_ready_reason = 0;  // as AgentCommand::reason
  std::uint8_t wrap_up_count = 0;     // wrap_ups.size(), kept here on the hot line
  bool has_reserved = false;          // !reserved.empty(), ditto
  bool retired = false;               // RetireAgent: no longer the tenant's
  std::uint32_t ou = kNone;
  EffectiveCap cap;
  std::optional<std::uint32_t> own_cap;
  bool own_cap_personal = false;  // own_cap was set by the agent itself
  bool own_cap_runtime = false;   // own_cap was set or cleared at run time (not the file's)
  std::int64_t idle_since_ns = 0;
  std::span<Membership> memberships;  // into membership_pool_
  std::string_view employee_id;       // into employee_ids_
  SessionList sessions;               // slots
  std::vector<WrapUp> wrap_ups;       // allocated only for agents that do after-contact work
  std::vector<std::uint32_t> reserved;  // slots of sessions waiting for this agent

  std::uint32_t Load() const { return static_cast<std::uint32_t>(sessions.size()) + wrap_up_count; }
};
// Expiry order of after-contact work across the tenant: a min-heap on
// until_ns. An entry whose work already ended is skipped when it surfaces.
// Ties go to the work started first (`seq`), so the order is the same on
// every run.
struct WrapUpDeadline {
  std::int64_t until_ns;
  std::uint64_t seq;
  std::uint64_t session_id;
  std::uint32_t agent;
  friend bool operator>(const WrapUpDeadline& a, const WrapUpDeadline& b) {
    return a.until_ns != b.until_ns ? a.until_ns > b.until_ns : a.seq > b.seq;
  }
};

}  // namespace routerd::routing::router_state
