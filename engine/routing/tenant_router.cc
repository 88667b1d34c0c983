#include "engine/routing/tenant_router.h"

#include <algorithm>
#include <cassert>

namespace routerd::routing {

// ---------------------------------------------------------------------------
// Inputs

void TenantRouter::OnContact(std::uint32_t channel, ContactPtr contact, std::uint64_t key_hash,
                             std::int64_t now_ns) {
  assert(channel < channel_queue_.size());
  assert(key_hash == SessionKeyHash(channel, contact->customer_id));
  const std::uint32_t found = by_key_.Find(key_hash, [&](std::uint32_t slot) {
    const SessionSlot& s = sessions_[slot];
    return s.channel == channel && s.first->customer_id == contact->customer_id;
  });
  if (found != SessionIndex::kAbsent) {
    const std::uint32_t slot = found;
    SessionSlot& s = sessions_[slot];
    if (s.history.size() >= options_.session_history_limit && s.history.size() > 1) {
      // Keep the first message (it identifies the session) and the newest ones.
      s.history.erase(s.history.begin() + 1);
    }
    s.history.push_back(contact);
    s.last_activity_ns = now_ns;
    IdleListRemove(slot);
    IdleListAppend(slot);
    if (s.agent != kNone) {
      RoutingEvent& e = Emit(RoutingEventType::kMessage);
      e.session_id = s.id;
      e.agent = s.agent;
      e.employee_id = agents_[s.agent].employee_id;
      e.queue_id = queues_[s.queue]->id;
      e.contact = std::move(contact);
      e.active_sessions = static_cast<std::uint32_t>(agents_[s.agent].sessions.size());
      e.wrap_ups = agents_[s.agent].wrap_up_count;
    } else if (options_.emit_session_opened) {
      // The journal names every message of the session, also those the
      // bounded history drops before an agent sees them.
      RoutingEvent& e = Emit(RoutingEventType::kMessageQueued);
      e.session_id = s.id;
      e.queue_id = queues_[s.queue]->id;
      e.contact = std::move(contact);
    }
    return;
  }

  const std::uint32_t slot = AllocateSlot();
  const std::uint32_t queue = LaneFor(channel_queue_[channel], channel);
  if (slot == kNone) {
    // Every session slot of the tenant is in use: the contact cannot wait for
    // an agent, but it was accepted, so it is kept as a leave message.
    RoutingEvent& e = Emit(RoutingEventType::kLeaveMessage);
    e.queue_id = queues_[queue]->id;
    e.leave_reason = LeaveReason::kQueueFull;
    e.contact = std::move(contact);
    return;
  }
  SessionSlot& s = sessions_[slot];
  s.id = (next_session_seq_++ << kSessionSlotBits) | slot;
  s.key_hash = key_hash;
  s.first = contact;
  s.history.clear();
  s.history.push_back(std::move(contact));
  s.arrival_ns = now_ns;
  s.last_activity_ns = now_ns;
  s.arrival_seq = next_arrival_seq_++;
  s.channel = channel;
  s.agent = kNone;
  s.priority_override = kNoPriority;
  ChoosePreference(s, *s.first, queue, now_ns);
  by_key_.Insert(key_hash, slot);
  ++open_sessions_;
  IdleListAppend(slot);
  if (options_.emit_session_opened) {
    RoutingEvent& e = Emit(RoutingEventType::kSessionOpened);
    e.session_id = s.id;
    e.queue_id = queues_[queue]->id;
    e.contact = s.first;
  }
  EnqueueSession(slot, queue, now_ns);
}

void TenantRouter::OnTick(std::int64_t now_ns) {
  // Capacity that after-contact work gives back first, so that it can serve
  // sessions that would otherwise overflow at this very tick.
  if (!wrap_up_deadlines_.empty()) ExpireWrapUps(now_ns);
  if (!reservation_deadlines_.empty()) ExpireReservations(now_ns);
  if (!last_agents_.empty()) last_agents_.Forget(max_sticky_ns_, now_ns);
  if (!ended_.empty()) ended_.Expire(now_ns);
  for (std::uint32_t q = 0; q < queue_count_; ++q) {
    QueueState& qs = *queues_[q];
    while (qs.wait_head != kNone && sessions_[qs.wait_head].enqueued_ns + qs.max_wait_ns <= now_ns) {
      Overflow(qs.wait_head, sessions_[qs.wait_head].queue, LeaveReason::kMaxWait, now_ns);
    }
  }
  while (idle_head_ != kNone && sessions_[idle_head_].last_activity_ns + idle_timeout_ns_ <= now_ns) {
    const std::uint32_t slot = idle_head_;
    const std::uint32_t agent = sessions_[slot].agent;
    if (agent != kNone) {
      EndAssigned(slot, EndReason::kIdleTimeout, now_ns);
      Reindex(agent);
      DispatchAgentQueues(agent, now_ns);
    } else {
      // The customer went silent before any agent took the session.
      BaseOf(sessions_[slot].queue).stats.abandoned.Add();
      RemoveFromWaiting(slot);
      BecomeLeaveMessage(slot, LeaveReason::kIdleTimeout, now_ns);
    }
  }
}

// ---------------------------------------------------------------------------
// Sessions

std::uint32_t TenantRouter::AllocateSlot() {
  if (!free_slots_.empty()) {
    std::uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    return slot;
  }
  if (sessions_.size() >= kMaxOpenSessions) return kNone;
  sessions_.emplace_back();
  return static_cast<std::uint32_t>(sessions_.size() - 1);
}

void TenantRouter::FreeSlot(std::uint32_t slot) {
  SessionSlot& s = sessions_[slot];
  assert(s.agent == kNone && s.heap_slot == kNone);
  by_key_.Erase(s.key_hash, slot);
  IdleListRemove(slot);
  if (s.traced) {
    traced_hops_.erase(slot);
    s.traced = false;
  }
  s.id = 0;
  s.first.reset();
  s.history.clear();
  --open_sessions_;
  free_slots_.push_back(slot);
}

void TenantRouter::Assign(std::uint32_t slot, std::uint32_t agent, std::uint32_t queue, std::int64_t now_ns,
                          bool transferred) {
  RemoveFromWaiting(slot);
  SessionSlot& s = sessions_[slot];
  AgentSlot& a = agents_[agent];
  QueueState& qs = *queues_[queue];
  QueueState& base = *queues_[qs.base];
  assert(MayTake(agent, queue));
  s.queue = queue;
  s.agent = agent;
  a.sessions.push_back(slot);
  CountKindUnit(agent, KindOfChannel(s.channel), +1);
  a.idle_since_ns = now_ns;
  // Round-robin turns are the queue's, whichever lane served.
  ++base.served_seq;
  for (Membership& m : a.memberships) {
    if (m.base == qs.base) m.last_served_seq = base.served_seq;
  }
  if (!transferred) {
    const std::int64_t in_queue_ms = (now_ns - s.enqueued_ns) / 1'000'000;
    base.stats.answered.Add();
    if (in_queue_ms <= base.stats.service_level_ms.load(std::memory_order_relaxed)) base.stats.answered_in_time.Add();
    base.stats.wait.Record(in_queue_ms);
  }

  RoutingEvent& e = Emit(RoutingEventType::kAssigned);
  e.session_id = s.id;
  e.agent = agent;
  e.employee_id = a.employee_id;
  e.queue_id = qs.id;
  e.contact = s.first;
  // Most sessions have one message when assigned: the event's `contact` is
  // it, and the history is copied only when there is more.
  if (s.history.size() > 1) e.history = s.history;
  const EffectiveCap& cap = CapIn(agent, queue);
  s.trace = RouteTrace{cap,           qs.base,      transferred, PriorityIn(s, queue), s.preference,
                       s.preference_outcome, now_ns - s.arrival_ns};
  if (s.traced) {
    NoteHop(slot, RouteHop{now_ns, HopKind::kAssigned, static_cast<std::uint8_t>(transferred),
                           static_cast<std::uint8_t>(cap.cap), cap.origin, qs.base, agent, 0});
  }
  e.strategy = TraceStrategy(s.trace);
  e.effective_cap = cap.cap;
  e.cap_origin = cap.origin;
  e.cap_origin_ou = cap.origin == CapOrigin::kOu ? std::string_view(ou_ids_[cap.ou]) : std::string_view();
  e.active_sessions = static_cast<std::uint32_t>(a.sessions.size());
  e.wrap_ups = a.wrap_up_count;
  e.waited_ns = now_ns - s.arrival_ns;
  Reindex(agent);
  PrefetchTopAgent(qs);
}

// The next session of this queue goes to its new top agent. With many agents
// that agent has usually not been touched for a long time, so start loading it
// now, while the rest of this step and the next one run. Its memberships are
// prefetched one assignment later: where they are is in the agent's slot, and
// reading that now would wait for the very load being started.
void TenantRouter::PrefetchTopAgent(const QueueState& qs) {
  if (prefetched_agent_ != kNone) __builtin_prefetch(agents_[prefetched_agent_].memberships.data());
  prefetched_agent_ = kNone;
  if (qs.eligible.empty()) return;
  prefetched_agent_ = qs.eligible.top().ordinal;
  const AgentSlot& next = agents_[prefetched_agent_];
  __builtin_prefetch(&next);
  __builtin_prefetch(reinterpret_cast<const char*>(&next) + 64);
}

void TenantRouter::DetachFromAgent(std::uint32_t slot, std::int64_t now_ns) {
  SessionSlot& s = sessions_[slot];
  const std::uint32_t agent = s.agent;
  const std::uint64_t full_before = FullMask(agent);
  agents_[agent].sessions.Remove(slot);
  CountKindUnit(agent, KindOfChannel(s.channel), -1);
  s.agent = kNone;
  NoteFreedCapacity(agent, full_before, now_ns);
}

void TenantRouter::EndAssigned(std::uint32_t slot, EndReason reason, std::int64_t now_ns) {
  SessionSlot& s = sessions_[slot];
  const std::uint32_t agent = s.agent;
  const std::int64_t wrap_up_ns = queues_[s.queue]->wrap_up_ns;
  if (max_sticky_ns_ > 0) last_agents_.Remember(s.key_hash, agent, now_ns);
  // Handled from its assignment (arrival + the wait the trace recorded).
  BaseOf(s.queue).stats.handle.Record((now_ns - s.arrival_ns - s.trace.waited_ns) / 1'000'000);
  if (wrap_up_ns > 0) {
    // The unit moves from the session to its after-contact work: the load
    // stays, so the agent's rank and eligibility do not change.
    agents_[agent].sessions.Remove(slot);
    s.agent = kNone;
    StartWrapUp(agent, s.id, queues_[s.queue]->base, KindOfChannel(s.channel), now_ns);
  } else {
    DetachFromAgent(slot, now_ns);
  }
  const AgentSlot& a = agents_[agent];
  RoutingEvent& e = EmitSessionEnded(s, agent, reason);
  e.active_sessions = static_cast<std::uint32_t>(a.sessions.size());
  e.wrap_ups = a.wrap_up_count;
  e.wrap_up_ns = wrap_up_ns;
  KeepEndedTrace(slot,
                 RouteHop{now_ns, HopKind::kEnded, static_cast<std::uint8_t>(reason), 0, CapOrigin::kTenant,
                          queues_[s.queue]->base, agent, static_cast<std::uint32_t>(wrap_up_ns / 1'000'000)},
                 now_ns);
  FreeSlot(slot);
  if (wrap_up_ns > 0) EmitAgentState(agent);
}

void TenantRouter::IdleListAppend(std::uint32_t slot) {
  SessionSlot& s = sessions_[slot];
  s.idle_prev = idle_tail_;
  s.idle_next = kNone;
  if (idle_tail_ != kNone) {
    sessions_[idle_tail_].idle_next = slot;
  } else {
    idle_head_ = slot;
  }
  idle_tail_ = slot;
}

void TenantRouter::IdleListRemove(std::uint32_t slot) {
  SessionSlot& s = sessions_[slot];
  if (s.idle_prev != kNone) {
    sessions_[s.idle_prev].idle_next = s.idle_next;
  } else if (idle_head_ == slot) {
    idle_head_ = s.idle_next;
  }
  if (s.idle_next != kNone) {
    sessions_[s.idle_next].idle_prev = s.idle_prev;
  } else if (idle_tail_ == slot) {
    idle_tail_ = s.idle_prev;
  }
  s.idle_prev = s.idle_next = kNone;
}

// ---------------------------------------------------------------------------
// Agents

void TenantRouter::Reindex(std::uint32_t agent) {
  if (per_kind()) {
    ReindexByKind(agent);
    return;
  }
  AgentSlot& a = agents_[agent];
  const bool eligible = a.state == AgentState::kReady && a.type != config::AgentType::kVoice && a.Load() < a.cap.cap;
  for (const Membership& m : a.memberships) {
    QueueState& qs = *queues_[m.queue];
    if (!eligible || qs.voice) {
      if (qs.eligible.contains(m.member)) qs.eligible.Erase(m.member);
      continue;
    }
    AgentRankInput input;
    input.active_sessions = a.Load();
    input.effective_cap = a.cap.cap;
    input.idle_since_ns = a.idle_since_ns;
    input.last_served_seq = m.last_served_seq;
    input.skill_level = m.skill_level;
    qs.eligible.Set(AgentEntry{qs.policy->Rank(input), agent, m.member});
  }
}

void TenantRouter::Dispatch(std::span<const std::uint32_t> queues, std::int64_t now_ns) {
  for (;;) {
    std::uint32_t best = kNone;
    for (std::uint32_t q : queues) {
      const QueueState& qs = *queues_[q];
      if (qs.waiting.empty() || qs.eligible.empty()) continue;
      if (best == kNone || WaitLess()(qs.waiting.top(), queues_[best]->waiting.top())) best = q;
    }
    if (best == kNone) return;
    QueueState& qs = *queues_[best];
    Assign(qs.waiting.top().slot, qs.eligible.top().ordinal, best, now_ns);
  }
}

void TenantRouter::DispatchAgentQueues(std::uint32_t agent, std::int64_t now_ns) {
  if (agents_[agent].has_reserved) ServeReserved(agent, now_ns);
  scratch_.clear();
  for (const Membership& m : agents_[agent].memberships) scratch_.push_back(m.queue);
  Dispatch(scratch_, now_ns);
}

void TenantRouter::DispatchAll(std::int64_t now_ns) {
  if (live_reservations_ > 0) {
    for (std::uint32_t agent = 0; agent < agents_.size(); ++agent) {
      if (agents_[agent].has_reserved) ServeReserved(agent, now_ns);
    }
  }
  Dispatch(all_queues_, now_ns);
}

void TenantRouter::RecomputeCaps(std::span<const std::uint32_t> agents, std::int64_t now_ns) {
  for (std::uint32_t i : agents) {
    // A lower cap never revokes sessions: the agent just gets nothing new
    // until it is below the cap again.
    const std::uint64_t full_before = FullMask(i);
    if (!ResolveCaps(i)) continue;
    NoteFreedCapacity(i, full_before, now_ns);
    Reindex(i);
    EmitAgentState(i);
  }
  DispatchAll(now_ns);
}

// ---------------------------------------------------------------------------
// Events and views

RoutingEvent& TenantRouter::EmitSessionEnded(const SessionSlot& s, std::uint32_t agent, EndReason reason) {
  RoutingEvent& e = Emit(RoutingEventType::kSessionEnded);
  e.session_id = s.id;
  e.agent = agent;
  e.employee_id = agents_[agent].employee_id;
  e.queue_id = queues_[s.queue]->id;
  e.contact = s.first;
  e.end_reason = reason;
  e.source = this;
  return e;
}

RoutingEvent& TenantRouter::Emit(RoutingEventType type) {
  RoutingEvent& e = events_->emplace_back();
  e.type = type;
  e.tenant_id = id_;
  e.tenant = index_;
  return e;
}

void TenantRouter::EmitAgentState(std::uint32_t agent) {
  const AgentSlot& a = agents_[agent];
  RoutingEvent& e = Emit(RoutingEventType::kAgentState);
  e.agent = agent;
  e.employee_id = a.employee_id;
  e.agent_state = a.state;
  if (a.not_ready_reason != 0) e.not_ready_reason = not_ready_reasons_[a.not_ready_reason - 1];
  e.wrap_ups = a.wrap_up_count;
  e.effective_cap = a.cap.cap;
  e.cap_origin = a.cap.origin;
  e.cap_origin_ou = a.cap.origin == CapOrigin::kOu ? std::string_view(ou_ids_[a.cap.ou]) : std::string_view();
  e.active_sessions = static_cast<std::uint32_t>(a.sessions.size());
}

}  // namespace routerd::routing
