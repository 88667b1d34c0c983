#include "engine/routing/tenant_router.h"

#include <algorithm>
#include <cassert>

namespace routerd::routing {

Status TenantRouter::Restore(RestoredSession r, std::int64_t now_ns) {
  const std::uint32_t slot = static_cast<std::uint32_t>(r.id & (kMaxOpenSessions - 1));
  if ((r.id >> kSessionSlotBits) == 0) return Status::InvalidArgument("session id " + std::to_string(r.id) + " is not one of ours");
  if (r.channel >= channel_queue_.size()) return Status::InvalidArgument("unknown channel");
  if (r.queue >= queue_count_) return Status::InvalidArgument("unknown skill queue");
  if (r.agent != kNone && (r.agent >= agents_.size() || agents_[r.agent].retired)) {
    return Status::InvalidArgument("unknown agent");
  }
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
  s.priority_override = kNoPriority;
  // Preferences are not stored: a restored session goes to any agent.
  s.preferred_agent = kNone;
  s.preference = PreferenceSource::kNone;
  s.preference_outcome = PreferenceOutcome::kPending;
  s.reserved = false;
  s.traced = false;
  if (r.queue != channel_queue_[r.channel]) {
    // It had moved on from its channel's queue before the restart.
    traced_hops_[slot] = {RouteHop{r.arrival_ns, HopKind::kEntered, 0, 0, CapOrigin::kTenant, r.queue, kNone, 0}};
    s.traced = true;
  }
  by_key_.Insert(s.key_hash, slot);
  ++open_sessions_;
  IdleListAppend(slot);

  const std::uint32_t lane = LaneFor(r.queue, r.channel);
  if (r.agent != kNone) {
    AgentSlot& a = agents_[r.agent];
    // It must still qualify: a member of the lane of the session's skills.
    bool member = false;
    for (const Membership& m : a.memberships) member |= m.queue == lane;
    if (member && HasRoom(r.agent, lane)) {
      if (a.state == AgentState::kSignedOut) {
        a.state = AgentState::kNotReady;
        a.idle_since_ns = now_ns;
      }
      s.queue = lane;
      s.agent = r.agent;
      a.sessions.push_back(slot);
      CountKindUnit(r.agent, KindOfChannel(r.channel), +1);
      const EffectiveCap& cap = CapIn(r.agent, lane);
      s.trace = RouteTrace{cap, r.queue, false, PriorityIn(s, r.queue), PreferenceSource::kNone,
                           PreferenceOutcome::kPending, 0};
      RoutingEvent& e = Emit(RoutingEventType::kAssigned);
      e.session_id = s.id;
      e.agent = r.agent;
      e.employee_id = a.employee_id;
      e.queue_id = queues_[r.queue]->id;
      e.contact = s.first;
      if (s.history.size() > 1) e.history = s.history;
      e.strategy = "restored";
      e.effective_cap = cap.cap;
      e.cap_origin = cap.origin;
      e.cap_origin_ou = cap.origin == CapOrigin::kOu ? std::string_view(ou_ids_[cap.ou]) : std::string_view();
      e.active_sessions = static_cast<std::uint32_t>(a.sessions.size());
      Reindex(r.agent);
      EmitAgentState(r.agent);
      return Status::Ok();
    }
  }
  // Waiting: its max_wait counts from the original arrival. Restores come in
  // arrival order, so the queue's deadline list stays sorted.
  EnqueueSession(slot, lane, std::min(r.arrival_ns, now_ns));
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

}  // namespace routerd::routing
