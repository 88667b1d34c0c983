#include "engine/routing/tenant_router.h"

#include <algorithm>
#include <cassert>

namespace routerd::routing {

void TenantRouter::OnCommand(const AgentCommand& command, std::int64_t now_ns) {
  const CommandResult result = ApplyCommand(command, now_ns);
  ReplyToCommand(command, result.code, result.error);
}

void TenantRouter::ReplyToCommand(const AgentCommand& command, StatusCode code, std::string_view error) {
  if (command.correlation == 0) return;
  RoutingEvent& e = Emit(RoutingEventType::kCommandResult);
  e.correlation = command.correlation;
  e.result = code;
  e.error = error;
  if (command.type != AgentCommandType::kSetOuCap && command.type != AgentCommandType::kSetTenantCap &&
      command.type != AgentCommandType::kSetPriority && command.target < agents_.size()) {
    e.agent = command.target;
    e.employee_id = agents_[command.target].employee_id;
  }
}

void TenantRouter::SignOut(std::uint32_t agent, std::int64_t now_ns) {
  AgentSlot& a = agents_[agent];
  a.state = AgentState::kSignedOut;
  a.not_ready_reason = 0;
  // Signing out ends any after-contact work; its deadlines go stale.
  live_wrap_ups_ -= a.wrap_up_count;
  for (const WrapUp& w : a.wrap_ups) CountKindUnit(agent, w.kind, -1);
  a.wrap_ups.clear();
  a.wrap_up_count = 0;
  Reindex(agent);
  // Back to their queues in their original turn, first served first.
  std::vector<std::uint32_t> slots(a.sessions.begin(), a.sessions.end());
  SortInServiceOrder(slots);
  for (std::uint32_t slot : slots) {
    NoteHop(slot, RouteHop{now_ns, HopKind::kRequeued, 0, 0, CapOrigin::kTenant, kNone, agent, 0});
    RoutingEvent& e = EmitSessionEnded(sessions_[slot], agent, EndReason::kRequeued);
    DetachFromAgent(slot, now_ns);
    e.active_sessions = static_cast<std::uint32_t>(a.sessions.size());
  }
  for (std::uint32_t slot : slots) {
    // Back to the queue's policy: a preference it had is spent.
    SessionSlot& s = sessions_[slot];
    s.preferred_agent = kNone;
    s.preference = PreferenceSource::kNone;
    s.preference_outcome = PreferenceOutcome::kPending;
    EnqueueSession(slot, s.queue, now_ns);
  }
  // Sessions waiting for this agent may go to any agent now.
  if (a.has_reserved) ReleaseReservationsOf(agent, now_ns);
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
  EndAssigned(slot, EndReason::kClosed, now_ns);
  Reindex(owner);
  DispatchAgentQueues(owner, now_ns);
  return {};
}

TenantRouter::CommandResult TenantRouter::Transfer(const AgentCommand& c, std::int64_t now_ns) {
  const std::uint32_t slot = AssignedSlot(c.target, c.session_id);
  if (slot == kNone) return {StatusCode::kNotFound, "no such session for this agent"};
  SessionSlot& s = sessions_[slot];
  const std::uint32_t from = s.agent;
  // To an agent, to a queue, or to a queue preferring an agent (who need not
  // be free now: the session waits for it a while).
  const bool to_queue = c.to_queue != kNone;
  if (c.to_agent != kNone) {
    if (c.to_agent >= agents_.size() || agents_[c.to_agent].retired) {
      return {StatusCode::kNotFound, "unknown target agent"};
    }
    if (c.to_agent == from) return {StatusCode::kInvalidArgument, "the session is already with that agent"};
    const AgentSlot& to = agents_[c.to_agent];
    if (to.type == config::AgentType::kVoice) {
      return {StatusCode::kFailedPrecondition, "the target agent does not take multimedia sessions"};
    }
    if (!to_queue && to.state != AgentState::kReady) {
      return {StatusCode::kFailedPrecondition, "the target agent is not ready"};
    }
    if (!to_queue && !HasRoom(c.to_agent, s.queue)) {
      return {StatusCode::kFailedPrecondition, "the target agent has no free capacity"};
    }
  }
  if (to_queue) {
    if (c.to_queue >= queue_count_) return {StatusCode::kNotFound, "unknown skill queue"};
    if (queues_[c.to_queue]->voice) return {StatusCode::kFailedPrecondition, "the target is a voice queue"};
  } else if (c.to_agent == kNone) {
    return {StatusCode::kInvalidArgument, "a transfer needs a skill queue or an agent"};
  }

  BaseOf(s.queue).stats.transferred.Add();
  NoteHop(slot, RouteHop{now_ns, HopKind::kTransferred, 0, 0, CapOrigin::kTenant, kNone, from, 0});
  RoutingEvent& e = EmitSessionEnded(s, from, EndReason::kTransferred);
  DetachFromAgent(slot, now_ns);
  e.active_sessions = static_cast<std::uint32_t>(agents_[from].sessions.size());
  e.wrap_ups = agents_[from].wrap_up_count;
  // The unit it freed counts at once, before the session is placed again.
  Reindex(from);
  if (!to_queue) {
    Assign(slot, c.to_agent, s.queue, now_ns, /*transferred=*/true);
  } else {
    // A new routing decision: only this transfer's preference counts.
    s.preferred_agent = c.to_agent;
    s.preference = c.to_agent != kNone ? PreferenceSource::kTransfer : PreferenceSource::kNone;
    s.preference_outcome = PreferenceOutcome::kPending;
    // It keeps its original arrival time, so it is served in its turn there.
    AnnounceQueue(slot, c.to_queue);
    EnqueueSession(slot, LaneFor(c.to_queue, s.channel), now_ns);
  }
  DispatchAgentQueues(from, now_ns);
  return {};
}

TenantRouter::CommandResult TenantRouter::SetPriority(const AgentCommand& c) {
  if (c.priority && *c.priority > config::kMaxPriority) return {StatusCode::kInvalidArgument, "priority must be 0..9"};
  const std::uint32_t slot = static_cast<std::uint32_t>(c.session_id & (kMaxOpenSessions - 1));
  if (c.session_id == 0 || slot >= sessions_.size() || sessions_[slot].id != c.session_id) {
    return {StatusCode::kNotFound, "no such session"};
  }
  SessionSlot& s = sessions_[slot];
  s.priority_override = c.priority.value_or(kNoPriority);
  if (s.heap_slot != kNone) {
    // Its time in the queue goes on: only its place changes. No dispatch is
    // due, since a lane with waiting sessions has no eligible agent.
    queues_[s.queue]->waiting.Update(s.heap_slot, WaitEntry{ServiceKey(s, s.queue), s.arrival_seq, slot});
  }
  return {};
}

TenantRouter::CommandResult TenantRouter::ApplyCommand(const AgentCommand& c, std::int64_t now_ns) {
  const bool any_agent = (c.type == AgentCommandType::kCloseSession || c.type == AgentCommandType::kTransfer) &&
                         c.target == kAnyAgent;
  const bool targets_agent = c.type != AgentCommandType::kSetOuCap && c.type != AgentCommandType::kSetTenantCap &&
                             c.type != AgentCommandType::kSetPriority && !any_agent;
  if (targets_agent && (c.target >= agents_.size() || agents_[c.target].retired)) {
    return {StatusCode::kNotFound, "unknown agent"};
  }
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
        a.not_ready_reason = 0;
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
      if (c.reason > not_ready_reasons_.size()) return {StatusCode::kInvalidArgument, "unknown not-ready reason"};
      if (a.state != AgentState::kNotReady || a.not_ready_reason != c.reason) {
        const bool was_ready = a.state == AgentState::kReady;
        a.state = AgentState::kNotReady;
        a.not_ready_reason = c.reason;
        if (was_ready) Reindex(c.target);
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
    case AgentCommandType::kSetPriority:
      return SetPriority(c);
    case AgentCommandType::kEndWrapUp:
      if (!EndWrapUps(c.target, c.session_id, now_ns)) {
        return {StatusCode::kNotFound, "no such after-contact work for this agent"};
      }
      return {};
    case AgentCommandType::kSetAgentCap: {
      agents_[c.target].own_cap = c.cap;
      agents_[c.target].own_cap_personal = c.cap && c.personal;
      agents_[c.target].own_cap_runtime = true;
      const std::uint32_t one[] = {c.target};
      RecomputeCaps(one, now_ns);
      return {};
    }
    case AgentCommandType::kSetOuCap:
      if (c.target >= ous_.size() || ou_retired_[c.target]) return {StatusCode::kNotFound, "unknown OU"};
      ous_[c.target].cap = c.cap;
      ou_cap_runtime_[c.target] = 1;
      RecomputeCaps(all_agents_, now_ns);
      return {};
    case AgentCommandType::kSetTenantCap:
      // Cleared, the tenant's cap is the file's again.
      tenant_cap_ = c.cap.value_or(configured_tenant_cap_);
      tenant_cap_runtime_ = c.cap.has_value();
      RecomputeCaps(all_agents_, now_ns);
      return {};
  }
  return {StatusCode::kInvalidArgument, "unknown command"};
}

}  // namespace routerd::routing
