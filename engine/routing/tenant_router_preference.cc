// Preferred agents: a session that prefers one agent goes to it at once if it
// may take the session, waits for it a while if it is signed in, and
// otherwise goes to any agent. See the design note in tenant_router.h.
#include "engine/routing/tenant_router.h"

#include <algorithm>
#include <cassert>

namespace routerd::routing {

std::string_view PreferenceSourceName(PreferenceSource s) {
  switch (s) {
    case PreferenceSource::kNone: return "none";
    case PreferenceSource::kLastAgent: return "last_agent";
    case PreferenceSource::kContact: return "contact";
    case PreferenceSource::kTransfer: return "transfer";
  }
  return "none";
}

std::string_view PreferenceOutcomeName(PreferenceOutcome o) {
  switch (o) {
    case PreferenceOutcome::kPending: return "pending";
    case PreferenceOutcome::kServed: return "served";
    case PreferenceOutcome::kExpired: return "expired";
    case PreferenceOutcome::kUnavailable: return "unavailable";
    case PreferenceOutcome::kLeft: return "overflowed";
  }
  return "pending";
}

void TenantRouter::ChoosePreference(SessionSlot& s, const Contact& contact, std::uint32_t lane,
                                    std::int64_t now_ns) {
  s.preferred_agent = kNone;
  s.preference = PreferenceSource::kNone;
  s.preference_outcome = PreferenceOutcome::kPending;
  s.reserved = false;
  if (!contact.preferred_agent.empty()) {
    s.preference = PreferenceSource::kContact;
    auto it = agent_by_employee_.find(contact.preferred_agent);
    if (it != agent_by_employee_.end()) {
      s.preferred_agent = it->second;
    } else {
      s.preference_outcome = PreferenceOutcome::kUnavailable;
    }
    return;
  }
  const std::int64_t window = queues_[lane]->sticky_ns;
  if (window == 0) return;
  const std::optional<std::uint32_t> last = last_agents_.Within(s.key_hash, window, now_ns);
  if (!last) return;
  s.preference = PreferenceSource::kLastAgent;
  s.preferred_agent = *last;
}

bool TenantRouter::EnqueuePreferring(std::uint32_t slot, std::int64_t now_ns) {
  SessionSlot& s = sessions_[slot];
  const std::uint32_t lane = s.queue;
  QueueState& qs = *queues_[lane];
  QueueState& base = *queues_[qs.base];
  const std::uint32_t agent = s.preferred_agent;
  AgentSlot& a = agents_[agent];
  const bool member = std::any_of(a.memberships.begin(), a.memberships.end(),
                                  [lane](const Membership& m) { return m.queue == lane; });
  if (!member || a.state == AgentState::kSignedOut) {
    s.preference_outcome = PreferenceOutcome::kUnavailable;
    return false;
  }
  if (MayTake(agent, lane)) {
    s.preference_outcome = PreferenceOutcome::kServed;
    Assign(slot, agent, lane, now_ns);
    return true;
  }
  if (WaitingInHeaps(base) + base.reserved >= qs.max_waiting) {
    s.preference_outcome = PreferenceOutcome::kLeft;
    Overflow(slot, lane, LeaveReason::kQueueFull, now_ns);
    return true;
  }
  NoteHop(slot, RouteHop{now_ns, HopKind::kReserved, static_cast<std::uint8_t>(s.preference), 0, CapOrigin::kTenant,
                         qs.base, agent, 0});
  AppendToDeadlineList(slot, base);
  s.reserved = true;
  a.reserved.push_back(slot);
  a.has_reserved = true;
  ++base.reserved;
  ++live_reservations_;
  reservation_deadlines_.push_back({now_ns + qs.sticky_wait_ns, next_reservation_seq_++, s.id, slot});
  std::push_heap(reservation_deadlines_.begin(), reservation_deadlines_.end(), std::greater<>());
  return true;
}

void TenantRouter::ReleaseReservation(std::uint32_t slot) {
  SessionSlot& s = sessions_[slot];
  assert(s.reserved);
  AgentSlot& a = agents_[s.preferred_agent];
  a.reserved.erase(std::find(a.reserved.begin(), a.reserved.end(), slot));
  a.has_reserved = !a.reserved.empty();
  s.reserved = false;
  --BaseOf(s.queue).reserved;
  --live_reservations_;
}

void TenantRouter::ServeReserved(std::uint32_t agent, std::int64_t now_ns) {
  AgentSlot& a = agents_[agent];
  auto key = [this](std::uint32_t slot) {
    const SessionSlot& s = sessions_[slot];
    return WaitEntry{ServiceKey(s, s.queue), s.arrival_seq, slot};
  };
  // First in service order first, among those it has room for (in unified
  // access, all of them or none).
  while (!a.reserved.empty()) {
    std::uint32_t first = kNone;
    for (std::uint32_t slot : a.reserved) {
      if (!MayTake(agent, sessions_[slot].queue)) continue;
      if (first == kNone || WaitLess()(key(slot), key(first))) first = slot;
    }
    if (first == kNone) return;
    sessions_[first].preference_outcome = PreferenceOutcome::kServed;
    Assign(first, agent, sessions_[first].queue, now_ns);
  }
}

void TenantRouter::StopWaitingFor(std::uint32_t slot, PreferenceOutcome outcome, std::int64_t now_ns) {
  ReleaseReservation(slot);
  SessionSlot& s = sessions_[slot];
  s.preference_outcome = outcome;
  NoteHop(slot, RouteHop{now_ns, HopKind::kWaitEnded, static_cast<std::uint8_t>(outcome), 0, CapOrigin::kTenant,
                         queues_[s.queue]->base, s.preferred_agent, 0});
  // It keeps its place in the deadline list, and takes its turn by first
  // arrival among the lane's waiting sessions.
  QueueState& qs = *queues_[s.queue];
  qs.waiting.Push(WaitEntry{ServiceKey(s, s.queue), s.arrival_seq, slot});
  Dispatch(BaseOf(s.queue).lanes, now_ns);
}

void TenantRouter::ExpireReservations(std::int64_t now_ns) {
  while (!reservation_deadlines_.empty() && reservation_deadlines_.front().until_ns <= now_ns) {
    std::pop_heap(reservation_deadlines_.begin(), reservation_deadlines_.end(), std::greater<>());
    const ReservationDeadline due = reservation_deadlines_.back();
    reservation_deadlines_.pop_back();
    const SessionSlot& s = sessions_[due.slot];
    // Stale unless this very reservation still holds: the session may have
    // been served and reserved again (a transfer naming an agent) since.
    if (s.id != due.session_id || !s.reserved || s.enqueued_ns + queues_[s.queue]->sticky_wait_ns != due.until_ns) {
      continue;
    }
    StopWaitingFor(due.slot, PreferenceOutcome::kExpired, now_ns);
  }
  if (reservation_deadlines_.size() > 2 * static_cast<std::size_t>(live_reservations_) + 64) {
    std::erase_if(reservation_deadlines_, [this](const ReservationDeadline& d) {
      return sessions_[d.slot].id != d.session_id || !sessions_[d.slot].reserved;
    });
    std::make_heap(reservation_deadlines_.begin(), reservation_deadlines_.end(), std::greater<>());
  }
}

void TenantRouter::ReleaseReservationsOf(std::uint32_t agent, std::int64_t now_ns) {
  ReleaseReservations(agents_[agent].reserved, now_ns);
}

void TenantRouter::ReleaseReservations(std::vector<std::uint32_t> slots, std::int64_t now_ns) {
  SortInServiceOrder(slots);
  for (std::uint32_t slot : slots) StopWaitingFor(slot, PreferenceOutcome::kUnavailable, now_ns);
}

void TenantRouter::SortInServiceOrder(std::vector<std::uint32_t>& slots) const {
  std::sort(slots.begin(), slots.end(), [this](std::uint32_t x, std::uint32_t y) {
    const SessionSlot& sx = sessions_[x];
    const SessionSlot& sy = sessions_[y];
    return WaitLess()(WaitEntry{ServiceKey(sx, sx.queue), sx.arrival_seq, x},
                      WaitEntry{ServiceKey(sy, sy.queue), sy.arrival_seq, y});
  });
}

}  // namespace routerd::routing
