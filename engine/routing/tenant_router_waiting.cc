// Waiting: a session entering a queue (or its lane), leaving it, overflowing
// to the next queue, or becoming a leave message when no queue takes it.
#include "engine/routing/tenant_router.h"

namespace routerd::routing {

std::uint32_t TenantRouter::WaitingInHeaps(const QueueState& base) const {
  std::uint32_t waiting = 0;
  for (std::uint32_t lane : base.lanes) waiting += queues_[lane]->waiting.size();
  return waiting;
}

void TenantRouter::AppendToDeadlineList(std::uint32_t slot, QueueState& base) {
  // The deadline list is the queue's, across its lanes: they share max_wait.
  SessionSlot& s = sessions_[slot];
  s.wait_prev = base.wait_tail;
  s.wait_next = kNone;
  if (base.wait_tail != kNone) {
    sessions_[base.wait_tail].wait_next = slot;
  } else {
    base.wait_head = slot;
  }
  base.wait_tail = slot;
}

void TenantRouter::EnqueueSession(std::uint32_t slot, std::uint32_t queue, std::int64_t now_ns) {
  QueueState& qs = *queues_[queue];
  QueueState& base = *queues_[qs.base];
  SessionSlot& s = sessions_[slot];
  s.queue = queue;
  s.enqueued_ns = now_ns;
  if (s.traced) NoteHop(slot, RouteHop{now_ns, HopKind::kEntered, 0, 0, CapOrigin::kTenant, qs.base, kNone, 0});
  if (s.preferred_agent != kNone && s.preference_outcome == PreferenceOutcome::kPending &&
      EnqueuePreferring(slot, now_ns)) {
    return;
  }
  const bool agent_free = !qs.eligible.empty();
  const std::uint32_t in_heaps = WaitingInHeaps(base);
  if (agent_free && in_heaps == 0) {
    Assign(slot, qs.eligible.top().ordinal, queue, now_ns);
    return;
  }
  // Waiting sessions and a free agent at once only happens when this very
  // step freed the agent (a transfer out of it), or when the sessions waiting
  // need skills this agent lacks: the session joins the queue and the
  // dispatch serves whoever is first. Otherwise the queue's length limit holds.
  if (!agent_free && in_heaps + base.reserved >= qs.max_waiting) {
    Overflow(slot, queue, LeaveReason::kQueueFull, now_ns);
    return;
  }
  qs.waiting.Push(WaitEntry{ServiceKey(s, queue), s.arrival_seq, slot});
  AppendToDeadlineList(slot, base);
  if (agent_free) Dispatch(base.lanes, now_ns);
}

void TenantRouter::RemoveFromWaiting(std::uint32_t slot) {
  SessionSlot& s = sessions_[slot];
  if (s.heap_slot == kNone && !s.reserved) return;
  QueueState& qs = *queues_[s.queue];
  if (s.heap_slot != kNone) {
    qs.waiting.Erase(s.heap_slot);
    s.heap_slot = kNone;
  } else {
    ReleaseReservation(slot);
  }
  QueueState& base = *queues_[qs.base];
  if (s.wait_prev != kNone) {
    sessions_[s.wait_prev].wait_next = s.wait_next;
  } else {
    base.wait_head = s.wait_next;
  }
  if (s.wait_next != kNone) {
    sessions_[s.wait_next].wait_prev = s.wait_prev;
  } else {
    base.wait_tail = s.wait_prev;
  }
  s.wait_prev = s.wait_next = kNone;
}

void TenantRouter::Overflow(std::uint32_t slot, std::uint32_t from_queue, LeaveReason reason,
                            std::int64_t now_ns) {
  if (sessions_[slot].reserved) sessions_[slot].preference_outcome = PreferenceOutcome::kLeft;
  NoteHop(slot, RouteHop{now_ns, HopKind::kOverflowed, static_cast<std::uint8_t>(reason), 0, CapOrigin::kTenant,
                         queues_[from_queue]->base, kNone, 0});
  RemoveFromWaiting(slot);
  BaseOf(from_queue).stats.overflowed.Add();
  const std::uint32_t target = queues_[from_queue]->overflow_queue;
  if (target == kNone) {
    BecomeLeaveMessage(slot, reason, now_ns);
  } else {
    // Configuration rejects overflow cycles, so this chain ends.
    AnnounceQueue(slot, target);
    EnqueueSession(slot, LaneFor(target, sessions_[slot].channel), now_ns);
  }
}

void TenantRouter::AnnounceQueue(std::uint32_t slot, std::uint32_t queue) {
  if (!options_.emit_session_opened) return;
  const SessionSlot& s = sessions_[slot];
  RoutingEvent& e = Emit(RoutingEventType::kSessionQueued);
  e.session_id = s.id;
  e.queue_id = queues_[queue]->id;
  e.contact = s.first;
}

void TenantRouter::BecomeLeaveMessage(std::uint32_t slot, LeaveReason reason, std::int64_t now_ns) {
  SessionSlot& s = sessions_[slot];
  RoutingEvent& e = Emit(RoutingEventType::kLeaveMessage);
  e.session_id = s.id;
  e.queue_id = queues_[s.queue]->id;
  e.leave_reason = reason;
  e.contact = s.first;
  e.source = this;
  if (s.history.size() > 1) e.history = std::move(s.history);
  KeepEndedTrace(slot,
                 RouteHop{now_ns, HopKind::kLeaveMessage, static_cast<std::uint8_t>(reason), 0, CapOrigin::kTenant,
                          queues_[s.queue]->base, kNone, 0},
                 now_ns);
  FreeSlot(slot);
}

}  // namespace routerd::routing
