// The reference model's steps: contacts, commands, ticks and changes of
// agents, OUs and queues.
#include "tests/routing/reference_model.h"

namespace routerd::testing {

ReferenceModel::ReferenceModel(const config::TenantConfig& t, const routing::PolicyRegistry& policies, bool cap_bug)
    : cap_bug_(cap_bug) {
  tenant_cap_ = configured_cap_ = static_cast<std::uint32_t>(t.max_concurrent_sessions);
  idle_timeout_ = static_cast<std::int64_t>(t.session_idle_timeout_seconds) * 1'000'000'000;
  for (const auto& ou : t.ous) {
    routing::OuNode n;
    n.parent = ou.parent.empty() ? routing::kNoOu : Index(t.ous, ou.parent);
    if (ou.max_concurrent_sessions) n.cap = *ou.max_concurrent_sessions;
    ous_.push_back(n);
    ou_cap_runtime_.push_back(false);
  }
  for (const auto& q : t.skill_queues) AddQueue(q, t.skill_queues, policies);
  per_kind_ = t.multimedia_access_mode == config::AccessMode::kPerChannelKind;
  if (per_kind_) {
    for (const auto& c : t.channels) kinds_.push_back(c.kind);
    std::sort(kinds_.begin(), kinds_.end());
    kinds_.erase(std::unique(kinds_.begin(), kinds_.end()), kinds_.end());
    for (const auto& kind : kinds_) tenant_kind_caps_.push_back(config::CapOfKind(t.kind_caps, kind).value_or(0));
    for (const auto& ou : t.ous) {
      for (const auto& kind : kinds_) ou_kind_caps_.push_back(config::CapOfKind(ou.kind_caps, kind).value_or(0));
    }
  }
  for (const auto& a : t.agents) {
    Agent ra;
    for (const auto& kind : kinds_) ra.own_kind_caps.push_back(config::CapOfKind(a.kind_caps, kind).value_or(0));
    ra.employee_id = a.employee_id;
    ra.type = a.type;
    ra.ou = Index(t.ous, a.ou);
    if (a.max_concurrent_sessions) ra.own_cap = *a.max_concurrent_sessions;
    ResolveCaps(ra);
    for (const auto& q : a.skill_queues) ra.queues.push_back(IndexQ(t.skill_queues, q));
    for (const auto& skill : a.skills) ra.skills[skill.skill] = skill.level;
    agents_.push_back(ra);
  }
  for (const auto& c : t.channels) {
    channel_kind_.push_back(
        per_kind_ ? static_cast<std::uint32_t>(std::lower_bound(kinds_.begin(), kinds_.end(), c.kind) - kinds_.begin())
                  : 0);
    channel_queue_.push_back(IndexQ(t.skill_queues, c.skill_queue));
    channel_priority_.push_back(c.priority);
    std::map<std::string, int> required;
    for (const auto& need : c.required_skills) required[need.skill] = need.level;
    channel_required_.push_back(required);
  }
  reasons_ = t.not_ready_reasons.size();
}

std::vector<ReferenceModel::Key> ReferenceModel::Waiting(std::uint32_t q) const {
  std::vector<std::pair<std::pair<std::int64_t, std::uint64_t>, Key>> w;
  for (const auto& [k, s] : sessions_) {
    if (s.waiting && !s.reserved && s.queue == q) w.push_back({Order(k, q), k});
  }
  std::sort(w.begin(), w.end());
  std::vector<Key> out;
  for (auto& [order, k] : w) out.push_back(k);
  return out;
}

void ReferenceModel::OnContact(std::uint32_t channel, const std::string& customer, std::int64_t now,
                               std::optional<int> preferred) {
  Key key{channel, customer};
  auto it = sessions_.find(key);
  if (it != sessions_.end()) {
    it->second.messages++;
    it->second.last_activity = now;
    idle_order_.erase(std::find(idle_order_.begin(), idle_order_.end(), key));
    idle_order_.push_back(key);
    if (it->second.agent >= 0) {
      events_.push_back(
          {routing::RoutingEventType::kMessage, channel, customer, agents_[it->second.agent].employee_id, 0, 0});
    }
    return;
  }
  Session s;
  s.arrival = now;
  s.seq = next_seq_++;
  s.last_activity = now;
  s.messages = 1;
  using Source = routing::PreferenceSource;
  const std::uint32_t q = channel_queue_[channel];
  if (preferred) {
    s.source = Source::kContact;
    // A removed agent's name is a name nobody has.
    s.preferred = *preferred >= 0 && agents_[*preferred].retired ? -1 : *preferred;
    if (s.preferred < 0) s.outcome = routing::PreferenceOutcome::kUnavailable;
  } else if (queues_[q].sticky > 0) {
    auto last = last_agent_.find(key);
    if (last != last_agent_.end() && now - last->second.second <= queues_[q].sticky) {
      s.source = Source::kLastAgent;
      s.preferred = last->second.first;
    }
  }
  sessions_[key] = s;
  idle_order_.push_back(key);
  Enqueue(key, q, now);
}

routerd::StatusCode ReferenceModel::OnCommand(routing::AgentCommandType type, std::uint32_t target,
                                              std::optional<std::uint32_t> cap, const std::optional<Key>& session,
                                              std::int64_t now, std::uint32_t to_queue, std::uint32_t to_agent,
                                              std::uint8_t reason, std::optional<std::size_t> wrap_index,
                                              std::optional<std::uint8_t> priority) {
  using T = routing::AgentCommandType;
  const bool targets_agent = type != T::kSetOuCap && type != T::kSetTenantCap && type != T::kSetPriority;
  if (targets_agent && agents_[target].retired) return routerd::StatusCode::kNotFound;
  if (cap && (*cap < 1 || *cap > 60)) return routerd::StatusCode::kInvalidArgument;
  switch (type) {
    case T::kSignIn:
      if (agents_[target].state == routing::AgentState::kSignedOut) {
        agents_[target].state = routing::AgentState::kNotReady;
      }
      return routerd::StatusCode::kOk;
    case T::kReady: {
      Agent& a = agents_[target];
      if (a.state == routing::AgentState::kSignedOut) return routerd::StatusCode::kFailedPrecondition;
      if (a.state != routing::AgentState::kReady) {
        a.state = routing::AgentState::kReady;
        a.reason = 0;
        a.idle_since = now;
        DispatchAgent(target, now);
      }
      return routerd::StatusCode::kOk;
    }
    case T::kNotReady:
      if (agents_[target].state == routing::AgentState::kSignedOut) return routerd::StatusCode::kFailedPrecondition;
      if (reason > reasons_) return routerd::StatusCode::kInvalidArgument;
      agents_[target].state = routing::AgentState::kNotReady;
      agents_[target].reason = reason;
      return routerd::StatusCode::kOk;
    case T::kSignOut:
      SignOut(target, now);
      return routerd::StatusCode::kOk;
    case T::kCloseSession: {
      if (!Holds(agents_[target], session)) return routerd::StatusCode::kNotFound;
      EndAssigned(*session, routing::EndReason::kClosed, now);
      DispatchAgent(target, now);
      return routerd::StatusCode::kOk;
    }
    case T::kTransfer: {
      Agent& a = agents_[target];
      if (!Holds(a, session)) return routerd::StatusCode::kNotFound;
      // To an agent, to a queue, or to a queue preferring an agent.
      const bool into_queue = to_queue != UINT32_MAX;
      if (to_agent != UINT32_MAX) {
        if (to_agent >= agents_.size() || agents_[to_agent].retired) return routerd::StatusCode::kNotFound;
        if (to_agent == target) return routerd::StatusCode::kInvalidArgument;
        const Agent& to = agents_[to_agent];
        if (to.type == config::AgentType::kVoice ||
            (!into_queue && (to.state != routing::AgentState::kReady || !HasRoom(to, KindOf(*session))))) {
          return routerd::StatusCode::kFailedPrecondition;
        }
      }
      if (into_queue) {
        if (to_queue >= queues_.size()) return routerd::StatusCode::kNotFound;
        if (queues_[to_queue].voice) return routerd::StatusCode::kFailedPrecondition;
      } else if (to_agent == UINT32_MAX) {
        return routerd::StatusCode::kInvalidArgument;
      }
      const Key k = *session;
      const std::uint64_t full_before = FullMask(a);
      a.sessions.erase(std::find(a.sessions.begin(), a.sessions.end(), k));
      NoteFreed(a, full_before, now);
      sessions_[k].agent = -1;
      events_.push_back({routing::RoutingEventType::kSessionEnded, k.first, k.second, a.employee_id,
                         static_cast<int>(routing::EndReason::kTransferred), 0});
      if (!into_queue) {
        Assign(k, static_cast<int>(to_agent), sessions_[k].queue, now);
      } else {
        Session& s = sessions_[k];
        s.preferred = to_agent == UINT32_MAX ? -1 : static_cast<int>(to_agent);
        s.source = to_agent == UINT32_MAX ? routing::PreferenceSource::kNone : routing::PreferenceSource::kTransfer;
        s.outcome = routing::PreferenceOutcome::kPending;
        Enqueue(k, to_queue, now);
      }
      DispatchAgent(target, now);
      return routerd::StatusCode::kOk;
    }
    case T::kEndWrapUp: {
      Agent& a = agents_[target];
      if (wrap_index && *wrap_index >= a.wraps.size()) return routerd::StatusCode::kNotFound;
      if (a.wraps.empty()) return routerd::StatusCode::kNotFound;
      const std::uint64_t full_before = FullMask(a);
      if (wrap_index) {
        a.wraps.erase(a.wraps.begin() + static_cast<std::ptrdiff_t>(*wrap_index));
      } else {
        a.wraps.clear();
      }
      NoteFreed(a, full_before, now);
      DispatchAgent(target, now);
      return routerd::StatusCode::kOk;
    }
    case T::kSetPriority: {
      if (priority && *priority > 9) return routerd::StatusCode::kInvalidArgument;
      if (!session || sessions_.find(*session) == sessions_.end()) return routerd::StatusCode::kNotFound;
      sessions_[*session].priority = priority;
      return routerd::StatusCode::kOk;
    }
    case T::kSetAgentCap:
      agents_[target].own_cap = cap;
      Recompute(now);
      return routerd::StatusCode::kOk;
    case T::kSetOuCap:
      ous_[target].cap = cap;
      ou_cap_runtime_[target] = true;
      Recompute(now);
      return routerd::StatusCode::kOk;
    case T::kSetTenantCap:
      tenant_cap_ = cap.value_or(configured_cap_);
      Recompute(now);
      return routerd::StatusCode::kOk;
  }
  return routerd::StatusCode::kInvalidArgument;
}

void ReferenceModel::OnTick(std::int64_t now) {
  // After-contact work that is over gives its capacity back first.
  for (;;) {
    int due_agent = -1;
    std::size_t due_index = 0;
    for (std::uint32_t i = 0; i < agents_.size(); ++i) {
      for (std::size_t w = 0; w < agents_[i].wraps.size(); ++w) {
        const Wrap& x = agents_[i].wraps[w];
        if (x.until > now) continue;
        if (due_agent < 0 || std::tie(x.until, x.seq) < std::tie(agents_[due_agent].wraps[due_index].until,
                                                                 agents_[due_agent].wraps[due_index].seq)) {
          due_agent = static_cast<int>(i);
          due_index = w;
        }
      }
    }
    if (due_agent < 0) break;
    Agent& a = agents_[due_agent];
    const std::uint64_t full_before = FullMask(a);
    a.wraps.erase(a.wraps.begin() + static_cast<std::ptrdiff_t>(due_index));
    NoteFreed(a, full_before, now);
    DispatchAgent(static_cast<std::uint32_t>(due_agent), now);
  }
  // Then sessions whose wait for their preferred agent is over, in order of
  // deadline, then of reservation.
  for (;;) {
    auto due = std::min_element(reservations_.begin(), reservations_.end());
    if (due == reservations_.end() || std::get<0>(*due) > now) break;
    const auto [until, seq, k] = *due;
    reservations_.erase(due);
    auto it = sessions_.find(k);
    // Stale unless this very reservation still holds.
    if (it == sessions_.end() || !it->second.reserved ||
        it->second.enqueued + queues_[it->second.queue].sticky_wait != until) {
      continue;
    }
    StopWaiting(k, routing::PreferenceOutcome::kExpired, now);
  }
  for (std::uint32_t q = 0; q < queues_.size(); ++q) {
    for (;;) {
      // The session that entered the queue earliest hits max_wait first.
      std::optional<Key> first;
      for (const auto& [k, s] : sessions_) {
        if (s.waiting && s.queue == q &&
            (!first || s.enqueued < sessions_[*first].enqueued ||
             (s.enqueued == sessions_[*first].enqueued && EnqOrder(k) < EnqOrder(*first)))) {
          first = k;
        }
      }
      if (!first || sessions_[*first].enqueued + queues_[q].max_wait > now) break;
      Overflow(*first, q, routing::LeaveReason::kMaxWait, now);
    }
  }
  while (!idle_order_.empty() && sessions_[idle_order_.front()].last_activity + idle_timeout_ <= now) {
    Key k = idle_order_.front();
    Session& s = sessions_[k];
    if (s.agent >= 0) {
      const int agent = s.agent;
      EndAssigned(k, routing::EndReason::kIdleTimeout, now);
      DispatchAgent(static_cast<std::uint32_t>(agent), now);
    } else {
      s.waiting = false;
      s.reserved = false;
      LeaveMessage(k, routing::LeaveReason::kIdleTimeout);
    }
  }
}

void ReferenceModel::ChangeAgent(std::uint32_t agent, std::uint32_t ou, std::vector<std::uint32_t> queues,
                                 std::map<std::string, int> skills, config::AgentType type, std::int64_t now) {
  Agent& a = agents_[agent];
  auto serves = [&](const std::vector<std::uint32_t>& qs, const std::map<std::string, int>& held, std::uint32_t q) {
    if (std::find(qs.begin(), qs.end(), q) == qs.end()) return false;
    for (const auto& [skill, level] : queues_[q].required) {
      auto it = held.find(skill);
      if (it == held.end() || it->second < level) return false;
    }
    return true;
  };
  for (auto it = a.last_served.begin(); it != a.last_served.end();) {
    const bool kept = serves(a.queues, a.skills, it->first) && serves(queues, skills, it->first);
    it = kept ? std::next(it) : a.last_served.erase(it);
  }
  a.queues = std::move(queues);
  a.skills = std::move(skills);
  a.type = type;
  a.ou = ou;
  const std::uint64_t full_before = FullMask(a);
  ResolveCaps(a);
  NoteFreed(a, full_before, now);
  for (const Key& k : ReservedFor(static_cast<int>(agent))) {
    if (!Qualified(a, k, sessions_[k].queue)) StopWaiting(k, routing::PreferenceOutcome::kUnavailable, now);
  }
  DispatchAgent(agent, now);
}

void ReferenceModel::AddQueue(const config::SkillQueueConfig& q, const std::vector<config::SkillQueueConfig>& all,
                              const routing::PolicyRegistry& policies) {
  Queue rq{policies.Find(q.strategy), static_cast<std::int64_t>(q.max_wait_seconds) * 1'000'000'000,
           static_cast<std::uint32_t>(q.max_waiting), UINT32_MAX, q.media == config::QueueMedia::kVoice};
  if (q.on_overflow.kind == config::OverflowTarget::Kind::kQueue) rq.overflow = IndexQ(all, q.on_overflow.queue_id);
  rq.wrap_up = static_cast<std::int64_t>(q.wrap_up_seconds) * 1'000'000'000;
  rq.aging = static_cast<std::int64_t>(q.priority_aging_seconds) * 1'000'000'000;
  rq.priority = q.priority;
  for (const auto& need : q.required_skills) rq.required[need.skill] = need.level;
  rq.sticky = static_cast<std::int64_t>(q.sticky_seconds) * 1'000'000'000;
  rq.sticky_wait = static_cast<std::int64_t>(q.sticky_wait_seconds) * 1'000'000'000;
  any_sticky_ = any_sticky_ || rq.sticky > 0;
  queues_.push_back(rq);
}

void ReferenceModel::ChangeOu(std::uint32_t ou, std::uint32_t parent, std::optional<std::uint32_t> cap,
                              std::int64_t now) {
  if (ou == ous_.size()) {
    ous_.emplace_back();
    ou_cap_runtime_.push_back(false);
    ou_kind_caps_.resize(ou_kind_caps_.size() + kinds_.size(), 0);
  }
  ous_[ou].parent = parent;
  if (!ou_cap_runtime_[ou]) ous_[ou].cap = cap;
  Recompute(now);
}

std::uint32_t ReferenceModel::AddAgent(const std::string& employee_id, std::uint32_t ou,
                                       std::vector<std::uint32_t> queues, std::map<std::string, int> skills,
                                       config::AgentType type) {
  std::uint32_t i = static_cast<std::uint32_t>(agents_.size());
  for (std::uint32_t j = 0; j < agents_.size(); ++j) {
    if (agents_[j].employee_id == employee_id) i = j;
  }
  if (i == agents_.size()) agents_.emplace_back();
  Agent& a = agents_[i];
  a = Agent{};
  a.employee_id = employee_id;
  a.type = type;
  a.ou = ou;
  a.queues = std::move(queues);
  a.skills = std::move(skills);
  a.own_kind_caps.assign(kinds_.size(), 0);
  ResolveCaps(a);
  return i;
}

}  // namespace routerd::testing
