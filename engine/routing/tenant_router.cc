#include "engine/routing/tenant_router.h"

#include <algorithm>
#include <cassert>

namespace routerd::routing {
namespace {

constexpr std::int64_t kNsPerSecond = 1'000'000'000;

std::uint32_t IndexOf(const std::vector<std::string>& ids, std::string_view id) {
  auto it = std::find(ids.begin(), ids.end(), id);
  return it == ids.end() ? kNone : static_cast<std::uint32_t>(it - ids.begin());
}

}  // namespace

TenantRouter::TenantRouter(std::uint32_t index, const config::TenantConfig& tenant,
                           const PolicyRegistry& policies, const TenantRouterOptions& options,
                           std::vector<RoutingEvent>* events)
    : index_(index),
      id_(tenant.id),
      options_(options),
      events_(events),
      configured_tenant_cap_(static_cast<std::uint32_t>(tenant.max_concurrent_sessions)),
      tenant_cap_(static_cast<std::uint32_t>(tenant.TenantCap())),
      idle_timeout_ns_(static_cast<std::int64_t>(tenant.session_idle_timeout_seconds) * kNsPerSecond) {
  for (const auto& ou : tenant.ous) ou_ids_.push_back(ou.id);
  ous_.resize(tenant.ous.size());
  for (std::size_t i = 0; i < tenant.ous.size(); ++i) {
    const auto& ou = tenant.ous[i];
    ous_[i].parent = ou.parent.empty() ? kNone : IndexOf(ou_ids_, ou.parent);
    if (ou.max_concurrent_sessions) ous_[i].cap = static_cast<std::uint32_t>(*ou.max_concurrent_sessions);
  }

  std::vector<std::string> queue_ids;
  for (const auto& q : tenant.skill_queues) queue_ids.push_back(q.id);
  for (const auto& q : tenant.skill_queues) {
    auto state = std::make_unique<QueueState>(&sessions_);
    state->id = q.id;
    state->policy = policies.Find(q.strategy);
    assert(state->policy != nullptr && "configuration validation checks strategies");
    state->max_wait_ns = static_cast<std::int64_t>(q.max_wait_seconds) * kNsPerSecond;
    state->max_waiting = static_cast<std::uint32_t>(q.max_waiting);
    if (q.on_overflow.kind == config::OverflowTarget::Kind::kQueue) {
      state->overflow_queue = IndexOf(queue_ids, q.on_overflow.queue_id);
    }
    state->voice = q.media == config::QueueMedia::kVoice;
    all_queues_.push_back(static_cast<std::uint32_t>(queues_.size()));
    queues_.push_back(std::move(state));
  }

  agents_.resize(tenant.agents.size());
  employee_ids_.reserve(tenant.agents.size());
  std::size_t memberships = 0;
  for (const auto& cfg : tenant.agents) {
    employee_ids_.push_back(cfg.employee_id);
    memberships += cfg.skill_queues.size();
  }
  membership_pool_.reserve(memberships);
  for (std::size_t i = 0; i < tenant.agents.size(); ++i) {
    const auto& cfg = tenant.agents[i];
    AgentSlot& a = agents_[i];
    a.employee_id = employee_ids_[i];
    a.type = cfg.type;
    a.ou = IndexOf(ou_ids_, cfg.ou);
    if (cfg.max_concurrent_sessions) a.own_cap = static_cast<std::uint32_t>(*cfg.max_concurrent_sessions);
    a.own_cap_personal = a.own_cap && cfg.personal_cap;
    a.cap = ResolveCap(a.own_cap, a.ou, ous_, tenant_cap_, a.own_cap_personal);
    const std::size_t first = membership_pool_.size();
    for (const auto& qid : cfg.skill_queues) {
      std::uint32_t q = IndexOf(queue_ids, qid);
      assert(q != kNone);
      QueueState& qs = *queues_[q];
      membership_pool_.push_back({q, static_cast<std::uint32_t>(qs.member_agent.size()), 0});
      qs.member_agent.push_back(static_cast<std::uint32_t>(i));
      qs.member_slot.push_back(kNone);
    }
    a.memberships = std::span<Membership>(membership_pool_.data() + first, membership_pool_.size() - first);
    all_agents_.push_back(static_cast<std::uint32_t>(i));
  }
  for (auto& q : queues_) q->eligible.reserve(q->member_agent.size());

  for (const auto& ch : tenant.channels) {
    channel_ids_.push_back(ch.id);
    channel_queue_.push_back(IndexOf(queue_ids, ch.skill_queue));
  }
}

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
  const std::uint32_t queue = channel_queue_[channel];
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

Status TenantRouter::Restore(RestoredSession r, std::int64_t now_ns) {
  const std::uint32_t slot = static_cast<std::uint32_t>(r.id & (kMaxOpenSessions - 1));
  if ((r.id >> kSessionSlotBits) == 0) return Status::InvalidArgument("session id " + std::to_string(r.id) + " is not one of ours");
  if (r.channel >= channel_queue_.size()) return Status::InvalidArgument("unknown channel");
  if (r.queue >= queues_.size()) return Status::InvalidArgument("unknown skill queue");
  if (r.agent != kNone && r.agent >= agents_.size()) return Status::InvalidArgument("unknown agent");
  if (r.contacts.empty()) return Status::InvalidArgument("a session needs at least one message");
  if (slot < sessions_.size() && sessions_[slot].id != 0) {
    return Status::InvalidArgument("session " + std::to_string(r.id) + " is already open");
  }
  if (slot >= sessions_.size()) sessions_.resize(slot + 1);  // FinishRestore frees the gaps
  SessionSlot& s = sessions_[slot];
  s.id = r.id;
  s.key_hash = SessionKeyHash(r.channel, r.contacts.front()->customer_id);
  s.first = r.contacts.front();
  s.history.clear();
  const std::size_t limit = std::max<std::size_t>(options_.session_history_limit, 1);
  s.history.push_back(r.contacts.front());
  const std::size_t from = r.contacts.size() > limit ? r.contacts.size() - (limit - 1) : 1;
  for (std::size_t i = std::max<std::size_t>(from, 1); i < r.contacts.size(); ++i) s.history.push_back(r.contacts[i]);
  s.arrival_ns = r.arrival_ns;
  s.last_activity_ns = now_ns;
  s.arrival_seq = next_arrival_seq_++;
  s.channel = r.channel;
  s.agent = kNone;
  by_key_.Insert(s.key_hash, slot);
  ++open_sessions_;
  IdleListAppend(slot);

  if (r.agent != kNone) {
    AgentSlot& a = agents_[r.agent];
    bool member = false;
    for (const Membership& m : a.memberships) member |= m.queue == r.queue;
    if (member && a.sessions.size() < a.cap.cap) {
      if (a.state == AgentState::kSignedOut) {
        a.state = AgentState::kNotReady;
        a.idle_since_ns = now_ns;
      }
      s.queue = r.queue;
      s.agent = r.agent;
      a.sessions.push_back(slot);
      s.trace = RouteTrace{a.cap, r.queue, false, 0};
      RoutingEvent& e = Emit(RoutingEventType::kAssigned);
      e.session_id = s.id;
      e.agent = r.agent;
      e.employee_id = a.employee_id;
      e.queue_id = queues_[r.queue]->id;
      e.contact = s.first;
      if (s.history.size() > 1) e.history = s.history;
      e.strategy = "restored";
      e.effective_cap = a.cap.cap;
      e.cap_origin = a.cap.origin;
      e.cap_origin_ou = a.cap.origin == CapOrigin::kOu ? std::string_view(ou_ids_[a.cap.ou]) : std::string_view();
      e.active_sessions = static_cast<std::uint32_t>(a.sessions.size());
      Reindex(r.agent);
      EmitAgentState(r.agent);
      return Status::Ok();
    }
  }
  // Waiting: its max_wait counts from the original arrival. Restores come in
  // arrival order, so the queue's deadline list stays sorted.
  EnqueueSession(slot, r.queue, std::min(r.arrival_ns, now_ns));
  return Status::Ok();
}

void TenantRouter::FinishRestore(std::uint64_t max_session_id) {
  next_session_seq_ = std::max(next_session_seq_, (max_session_id >> kSessionSlotBits) + 1);
  free_slots_.clear();
  // Lowest slots are reused first (taken from the back).
  for (std::uint32_t slot = static_cast<std::uint32_t>(sessions_.size()); slot-- > 0;) {
    if (sessions_[slot].id == 0) free_slots_.push_back(slot);
  }
}

void TenantRouter::OnCommand(const AgentCommand& command, std::int64_t now_ns) {
  const CommandResult result = ApplyCommand(command, now_ns);
  if (command.correlation == 0) return;
  RoutingEvent& e = Emit(RoutingEventType::kCommandResult);
  e.correlation = command.correlation;
  e.result = result.code;
  e.error = result.error;
  if (command.type != AgentCommandType::kSetOuCap && command.type != AgentCommandType::kSetTenantCap &&
      command.target < agents_.size()) {
    e.agent = command.target;
    e.employee_id = agents_[command.target].employee_id;
  }
}

void TenantRouter::OnTick(std::int64_t now_ns) {
  for (std::uint32_t q = 0; q < queues_.size(); ++q) {
    QueueState& qs = *queues_[q];
    while (qs.wait_head != kNone && sessions_[qs.wait_head].enqueued_ns + qs.max_wait_ns <= now_ns) {
      Overflow(qs.wait_head, q, LeaveReason::kMaxWait, now_ns);
    }
  }
  while (idle_head_ != kNone && sessions_[idle_head_].last_activity_ns + idle_timeout_ns_ <= now_ns) {
    const std::uint32_t slot = idle_head_;
    const std::uint32_t agent = sessions_[slot].agent;
    if (agent != kNone) {
      EndAssigned(slot, EndReason::kIdleTimeout);
      Reindex(agent);
      DispatchAgentQueues(agent, now_ns);
    } else {
      RemoveFromWaiting(slot);
      BecomeLeaveMessage(slot, LeaveReason::kIdleTimeout);
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
  s.id = 0;
  s.first.reset();
  s.history.clear();
  --open_sessions_;
  free_slots_.push_back(slot);
}

void TenantRouter::EnqueueSession(std::uint32_t slot, std::uint32_t queue, std::int64_t now_ns) {
  QueueState& qs = *queues_[queue];
  SessionSlot& s = sessions_[slot];
  s.queue = queue;
  s.enqueued_ns = now_ns;
  const bool agent_free = !qs.eligible.empty();
  if (agent_free && qs.waiting.empty()) {
    Assign(slot, qs.member_agent[qs.eligible.top().member], queue, now_ns);
    return;
  }
  // Waiting sessions and a free agent at once only happens when this very
  // step freed the agent (a transfer out of it): the session joins the queue
  // and the oldest is served first. Otherwise the queue's length limit holds.
  if (!agent_free && qs.waiting.size() >= qs.max_waiting) {
    Overflow(slot, queue, LeaveReason::kQueueFull, now_ns);
    return;
  }
  qs.waiting.Push(WaitEntry{s.arrival_ns, s.arrival_seq, slot});
  s.wait_prev = qs.wait_tail;
  s.wait_next = kNone;
  if (qs.wait_tail != kNone) {
    sessions_[qs.wait_tail].wait_next = slot;
  } else {
    qs.wait_head = slot;
  }
  qs.wait_tail = slot;
  if (agent_free) {
    const std::uint32_t one[] = {queue};
    Dispatch(one, now_ns);
  }
}

void TenantRouter::RemoveFromWaiting(std::uint32_t slot) {
  SessionSlot& s = sessions_[slot];
  if (s.heap_slot == kNone) return;
  QueueState& qs = *queues_[s.queue];
  qs.waiting.Erase(s.heap_slot);
  s.heap_slot = kNone;
  if (s.wait_prev != kNone) {
    sessions_[s.wait_prev].wait_next = s.wait_next;
  } else {
    qs.wait_head = s.wait_next;
  }
  if (s.wait_next != kNone) {
    sessions_[s.wait_next].wait_prev = s.wait_prev;
  } else {
    qs.wait_tail = s.wait_prev;
  }
  s.wait_prev = s.wait_next = kNone;
}

void TenantRouter::Overflow(std::uint32_t slot, std::uint32_t from_queue, LeaveReason reason,
                            std::int64_t now_ns) {
  RemoveFromWaiting(slot);
  const std::uint32_t target = queues_[from_queue]->overflow_queue;
  if (target == kNone) {
    BecomeLeaveMessage(slot, reason);
  } else {
    // Configuration rejects overflow cycles, so this chain ends.
    AnnounceQueue(slot, target);
    EnqueueSession(slot, target, now_ns);
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

void TenantRouter::BecomeLeaveMessage(std::uint32_t slot, LeaveReason reason) {
  SessionSlot& s = sessions_[slot];
  RoutingEvent& e = Emit(RoutingEventType::kLeaveMessage);
  e.session_id = s.id;
  e.queue_id = queues_[s.queue]->id;
  e.leave_reason = reason;
  e.contact = s.first;
  if (s.history.size() > 1) e.history = std::move(s.history);
  FreeSlot(slot);
}

void TenantRouter::Assign(std::uint32_t slot, std::uint32_t agent, std::uint32_t queue, std::int64_t now_ns,
                          bool transferred) {
  RemoveFromWaiting(slot);
  SessionSlot& s = sessions_[slot];
  AgentSlot& a = agents_[agent];
  QueueState& qs = *queues_[queue];
  assert(Eligible(a) && a.sessions.size() < a.cap.cap);
  s.queue = queue;
  s.agent = agent;
  a.sessions.push_back(slot);
  a.idle_since_ns = now_ns;
  ++qs.served_seq;
  for (Membership& m : a.memberships) {
    if (m.queue == queue) m.last_served_seq = qs.served_seq;
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
  s.trace = RouteTrace{a.cap, queue, transferred, now_ns - s.arrival_ns};
  e.strategy = TraceStrategy(s.trace);
  e.effective_cap = a.cap.cap;
  e.cap_origin = a.cap.origin;
  e.cap_origin_ou = a.cap.origin == CapOrigin::kOu ? std::string_view(ou_ids_[a.cap.ou]) : std::string_view();
  e.active_sessions = static_cast<std::uint32_t>(a.sessions.size());
  e.waited_ns = now_ns - s.arrival_ns;
  Reindex(agent);
  PrefetchTopAgent(qs);
}

// The next session of this queue goes to its new top agent. With many agents
// that agent has usually not been touched for a long time, so start loading it
// now, while the rest of this step and the next one run.
void TenantRouter::PrefetchTopAgent(const QueueState& qs) const {
  if (qs.eligible.empty()) return;
  const AgentSlot& next = agents_[qs.member_agent[qs.eligible.top().member]];
  __builtin_prefetch(&next);
  __builtin_prefetch(reinterpret_cast<const char*>(&next) + 64);
  __builtin_prefetch(next.memberships.data());
}

void TenantRouter::DetachFromAgent(std::uint32_t slot) {
  SessionSlot& s = sessions_[slot];
  agents_[s.agent].sessions.Remove(slot);
  s.agent = kNone;
}

void TenantRouter::EndAssigned(std::uint32_t slot, EndReason reason) {
  SessionSlot& s = sessions_[slot];
  const std::uint32_t agent = s.agent;
  DetachFromAgent(slot);
  RoutingEvent& e = Emit(RoutingEventType::kSessionEnded);
  e.session_id = s.id;
  e.agent = agent;
  e.employee_id = agents_[agent].employee_id;
  e.queue_id = queues_[s.queue]->id;
  e.contact = s.first;
  e.end_reason = reason;
  e.active_sessions = static_cast<std::uint32_t>(agents_[agent].sessions.size());
  FreeSlot(slot);
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

bool TenantRouter::Eligible(const AgentSlot& a) const {
  return a.state == AgentState::kReady && a.type != config::AgentType::kVoice && a.sessions.size() < a.cap.cap;
}

void TenantRouter::Reindex(std::uint32_t agent) {
  AgentSlot& a = agents_[agent];
  const bool eligible = Eligible(a);
  for (const Membership& m : a.memberships) {
    QueueState& qs = *queues_[m.queue];
    const std::uint32_t slot = qs.member_slot[m.member];
    if (!eligible || qs.voice) {
      if (slot != kNone) {
        qs.eligible.Erase(slot);
        qs.member_slot[m.member] = kNone;
      }
      continue;
    }
    AgentRankInput input;
    input.active_sessions = static_cast<std::uint32_t>(a.sessions.size());
    input.effective_cap = a.cap.cap;
    input.idle_since_ns = a.idle_since_ns;
    input.last_served_seq = m.last_served_seq;
    AgentEntry entry{qs.policy->Rank(input), agent, m.member};
    if (slot == kNone) {
      qs.eligible.Push(entry);
    } else {
      qs.eligible.Update(slot, entry);
    }
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
    Assign(qs.waiting.top().slot, qs.member_agent[qs.eligible.top().member], best, now_ns);
  }
}

void TenantRouter::DispatchAgentQueues(std::uint32_t agent, std::int64_t now_ns) {
  scratch_.clear();
  for (const Membership& m : agents_[agent].memberships) scratch_.push_back(m.queue);
  Dispatch(scratch_, now_ns);
}

void TenantRouter::DispatchAll(std::int64_t now_ns) { Dispatch(all_queues_, now_ns); }

void TenantRouter::RecomputeCaps(std::span<const std::uint32_t> agents, std::int64_t now_ns) {
  for (std::uint32_t i : agents) {
    AgentSlot& a = agents_[i];
    EffectiveCap cap = ResolveCap(a.own_cap, a.ou, ous_, tenant_cap_, a.own_cap_personal);
    if (cap == a.cap) continue;
    // A lower cap never revokes sessions: the agent just gets nothing new
    // until it is below the cap again.
    a.cap = cap;
    Reindex(i);
    EmitAgentState(i);
  }
  DispatchAll(now_ns);
}

void TenantRouter::SignOut(std::uint32_t agent, std::int64_t now_ns) {
  AgentSlot& a = agents_[agent];
  a.state = AgentState::kSignedOut;
  Reindex(agent);
  // Back to their queues at their original arrival time, oldest first.
  std::vector<std::uint32_t> slots(a.sessions.begin(), a.sessions.end());
  std::sort(slots.begin(), slots.end(), [this](std::uint32_t x, std::uint32_t y) {
    return WaitLess()(WaitEntry{sessions_[x].arrival_ns, sessions_[x].arrival_seq, x},
                      WaitEntry{sessions_[y].arrival_ns, sessions_[y].arrival_seq, y});
  });
  for (std::uint32_t slot : slots) {
    SessionSlot& s = sessions_[slot];
    RoutingEvent& e = Emit(RoutingEventType::kSessionEnded);
    e.session_id = s.id;
    e.agent = agent;
    e.employee_id = a.employee_id;
    e.queue_id = queues_[s.queue]->id;
    e.contact = s.first;
    e.end_reason = EndReason::kRequeued;
    DetachFromAgent(slot);
    e.active_sessions = static_cast<std::uint32_t>(a.sessions.size());
  }
  for (std::uint32_t slot : slots) EnqueueSession(slot, sessions_[slot].queue, now_ns);
  EmitAgentState(agent);
}

std::uint32_t TenantRouter::AssignedSlot(std::uint32_t agent, std::uint64_t session_id) const {
  const std::uint32_t slot = static_cast<std::uint32_t>(session_id & (kMaxOpenSessions - 1));
  if (session_id == 0 || slot >= sessions_.size() || sessions_[slot].id != session_id ||
      sessions_[slot].agent == kNone || (agent != kAnyAgent && sessions_[slot].agent != agent)) {
    return kNone;
  }
  return slot;
}

TenantRouter::CommandResult TenantRouter::CloseSession(std::uint32_t agent, std::uint64_t session_id, std::int64_t now_ns) {
  const std::uint32_t slot = AssignedSlot(agent, session_id);
  if (slot == kNone) return {StatusCode::kNotFound, "no such session for this agent"};
  const std::uint32_t owner = sessions_[slot].agent;
  EndAssigned(slot, EndReason::kClosed);
  Reindex(owner);
  DispatchAgentQueues(owner, now_ns);
  return {};
}

TenantRouter::CommandResult TenantRouter::Transfer(const AgentCommand& c, std::int64_t now_ns) {
  const std::uint32_t slot = AssignedSlot(c.target, c.session_id);
  if (slot == kNone) return {StatusCode::kNotFound, "no such session for this agent"};
  SessionSlot& s = sessions_[slot];
  const std::uint32_t from = s.agent;
  if (c.to_agent != kNone) {
    if (c.to_agent >= agents_.size()) return {StatusCode::kNotFound, "unknown target agent"};
    if (c.to_agent == from) return {StatusCode::kInvalidArgument, "the session is already with that agent"};
    const AgentSlot& to = agents_[c.to_agent];
    if (to.type == config::AgentType::kVoice) {
      return {StatusCode::kFailedPrecondition, "the target agent does not take multimedia sessions"};
    }
    if (to.state != AgentState::kReady) return {StatusCode::kFailedPrecondition, "the target agent is not ready"};
    if (to.sessions.size() >= to.cap.cap) {
      return {StatusCode::kFailedPrecondition, "the target agent has no free capacity"};
    }
  } else if (c.to_queue != kNone) {
    if (c.to_queue >= queues_.size()) return {StatusCode::kNotFound, "unknown skill queue"};
    if (queues_[c.to_queue]->voice) return {StatusCode::kFailedPrecondition, "the target is a voice queue"};
  } else {
    return {StatusCode::kInvalidArgument, "a transfer needs a skill queue or an agent"};
  }

  RoutingEvent& e = Emit(RoutingEventType::kSessionEnded);
  e.session_id = s.id;
  e.agent = from;
  e.employee_id = agents_[from].employee_id;
  e.queue_id = queues_[s.queue]->id;
  e.contact = s.first;
  e.end_reason = EndReason::kTransferred;
  DetachFromAgent(slot);
  e.active_sessions = static_cast<std::uint32_t>(agents_[from].sessions.size());
  // The unit it freed counts at once, before the session is placed again.
  Reindex(from);
  if (c.to_agent != kNone) {
    Assign(slot, c.to_agent, s.queue, now_ns, /*transferred=*/true);
  } else {
    // It keeps its original arrival time, so it is served in its turn there.
    AnnounceQueue(slot, c.to_queue);
    EnqueueSession(slot, c.to_queue, now_ns);
  }
  DispatchAgentQueues(from, now_ns);
  return {};
}

TenantRouter::CommandResult TenantRouter::ApplyCommand(const AgentCommand& c, std::int64_t now_ns) {
  const bool any_agent = (c.type == AgentCommandType::kCloseSession || c.type == AgentCommandType::kTransfer) &&
                         c.target == kAnyAgent;
  const bool targets_agent = c.type != AgentCommandType::kSetOuCap && c.type != AgentCommandType::kSetTenantCap &&
                             !any_agent;
  if (targets_agent && c.target >= agents_.size()) return {StatusCode::kNotFound, "unknown agent"};
  if (c.cap && (*c.cap < static_cast<std::uint32_t>(config::kMinCap) ||
                *c.cap > static_cast<std::uint32_t>(config::kMaxCap))) {
    return {StatusCode::kInvalidArgument, "max_concurrent_sessions must be 1..60"};
  }
  switch (c.type) {
    case AgentCommandType::kSignIn: {
      AgentSlot& a = agents_[c.target];
      if (a.state == AgentState::kSignedOut) {
        a.state = AgentState::kNotReady;
        EmitAgentState(c.target);
      }
      return {};
    }
    case AgentCommandType::kReady: {
      AgentSlot& a = agents_[c.target];
      if (a.state == AgentState::kSignedOut) return {StatusCode::kFailedPrecondition, "agent is signed out; sign in first"};
      if (a.state != AgentState::kReady) {
        a.state = AgentState::kReady;
        a.idle_since_ns = now_ns;
        Reindex(c.target);
        EmitAgentState(c.target);
        DispatchAgentQueues(c.target, now_ns);
      }
      return {};
    }
    case AgentCommandType::kNotReady: {
      AgentSlot& a = agents_[c.target];
      if (a.state == AgentState::kSignedOut) return {StatusCode::kFailedPrecondition, "agent is signed out; sign in first"};
      if (a.state != AgentState::kNotReady) {
        a.state = AgentState::kNotReady;
        Reindex(c.target);
        EmitAgentState(c.target);
      }
      return {};
    }
    case AgentCommandType::kSignOut:
      if (agents_[c.target].state != AgentState::kSignedOut) SignOut(c.target, now_ns);
      return {};
    case AgentCommandType::kCloseSession:
      return CloseSession(c.target, c.session_id, now_ns);
    case AgentCommandType::kTransfer:
      return Transfer(c, now_ns);
    case AgentCommandType::kSetAgentCap: {
      agents_[c.target].own_cap = c.cap;
      agents_[c.target].own_cap_personal = c.cap && c.personal;
      const std::uint32_t one[] = {c.target};
      RecomputeCaps(one, now_ns);
      return {};
    }
    case AgentCommandType::kSetOuCap:
      if (c.target >= ous_.size()) return {StatusCode::kNotFound, "unknown OU"};
      ous_[c.target].cap = c.cap;
      RecomputeCaps(all_agents_, now_ns);
      return {};
    case AgentCommandType::kSetTenantCap:
      tenant_cap_ = c.cap.value_or(configured_tenant_cap_);
      RecomputeCaps(all_agents_, now_ns);
      return {};
  }
  return {StatusCode::kInvalidArgument, "unknown command"};
}

// ---------------------------------------------------------------------------
// Events and views

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
  e.effective_cap = a.cap.cap;
  e.cap_origin = a.cap.origin;
  e.cap_origin_ou = a.cap.origin == CapOrigin::kOu ? std::string_view(ou_ids_[a.cap.ou]) : std::string_view();
  e.active_sessions = static_cast<std::uint32_t>(a.sessions.size());
}

TenantRouter::AgentView TenantRouter::Agent(std::uint32_t agent) const {
  const AgentSlot& a = agents_[agent];
  return {a.employee_id, a.type, a.state, a.cap, std::span<const std::uint32_t>(a.sessions.begin(), a.sessions.size())};
}

TenantRouter::SessionView TenantRouter::SessionAtSlot(std::uint32_t slot) const {
  const SessionSlot& s = sessions_[slot];
  return {s.id,         s.channel,        s.queue,   s.agent, s.arrival_ns, s.last_activity_ns, s.history.size(),
          &s.first, &s.trace, &s.history};
}

std::optional<TenantRouter::SessionView> TenantRouter::Session(std::uint64_t session_id) const {
  const std::uint32_t slot = static_cast<std::uint32_t>(session_id & (kMaxOpenSessions - 1));
  if (session_id == 0 || slot >= sessions_.size() || sessions_[slot].id != session_id) return std::nullopt;
  return SessionAtSlot(slot);
}

TenantRouter::QueueStats TenantRouter::Queue(std::uint32_t queue) const {
  const QueueState& qs = *queues_[queue];
  QueueStats stats;
  stats.waiting = qs.waiting.size();
  if (!qs.waiting.empty()) stats.oldest_arrival_ns = qs.waiting.top().arrival_ns;
  stats.eligible_agents = qs.eligible.size();
  return stats;
}

std::vector<std::uint64_t> TenantRouter::WaitingInOrder(std::uint32_t queue) const {
  std::vector<WaitEntry> entries;
  queues_[queue]->waiting.ForEach([&](const WaitEntry& e) { entries.push_back(e); });
  std::sort(entries.begin(), entries.end(), WaitLess());
  std::vector<std::uint64_t> ids;
  for (const WaitEntry& e : entries) ids.push_back(sessions_[e.slot].id);
  return ids;
}

std::optional<std::uint32_t> TenantRouter::FindAgent(std::string_view employee_id) const {
  for (std::uint32_t i = 0; i < agents_.size(); ++i) {
    if (agents_[i].employee_id == employee_id) return i;
  }
  return std::nullopt;
}

std::optional<std::uint32_t> TenantRouter::FindOu(std::string_view ou_id) const {
  std::uint32_t i = IndexOf(ou_ids_, ou_id);
  return i == kNone ? std::nullopt : std::optional<std::uint32_t>(i);
}

std::optional<std::uint32_t> TenantRouter::FindChannel(std::string_view channel_id) const {
  std::uint32_t i = IndexOf(channel_ids_, channel_id);
  return i == kNone ? std::nullopt : std::optional<std::uint32_t>(i);
}

}  // namespace routerd::routing
