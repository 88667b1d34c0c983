// The rules the reference model's steps share: signing out, caps and room,
// the best agent, queueing, assignment and dispatch.
#include "tests/routing/reference_model.h"

namespace routerd::testing {

void ReferenceModel::SignOut(std::uint32_t target, std::int64_t now) {
  Agent& a = agents_[target];
  if (a.state == routing::AgentState::kSignedOut) return;
  a.state = routing::AgentState::kSignedOut;
  a.reason = 0;
  a.wraps.clear();
  std::vector<Key> keys = a.sessions;
  std::sort(keys.begin(), keys.end(),
            [&](const Key& x, const Key& y) { return Order(x, sessions_[x].queue) < Order(y, sessions_[y].queue); });
  for (const Key& k : keys) {
    events_.push_back({routing::RoutingEventType::kSessionEnded, k.first, k.second, a.employee_id,
                       static_cast<int>(routing::EndReason::kRequeued), 0});
    sessions_[k].agent = -1;
  }
  a.sessions.clear();
  for (const Key& k : keys) {
    Session& s = sessions_[k];
    s.preferred = -1;
    s.source = routing::PreferenceSource::kNone;
    s.outcome = routing::PreferenceOutcome::kPending;
    Enqueue(k, s.queue, now);
  }
  // Sessions waiting for it go to any agent, first in service order first.
  std::vector<Key> waiting_for = ReservedFor(static_cast<int>(target));
  for (const Key& k : waiting_for) StopWaiting(k, routing::PreferenceOutcome::kUnavailable, now);
}

std::uint64_t ReferenceModel::FullMask(const Agent& a) const {
  if (!per_kind_) return a.load() >= a.cap.cap ? 1 : 0;
  std::uint64_t mask = 0;
  for (std::uint32_t k = 0; k < kinds_.size(); ++k) {
    if (a.load() >= 60 || LoadOf(a, k) >= a.kind_caps[k].cap) mask |= std::uint64_t{1} << k;
  }
  return mask;
}

void ReferenceModel::ResolveCaps(Agent& a) const {
  a.cap = routing::ResolveCap(a.own_cap, a.ou, ous_, tenant_cap_);
  a.kind_caps.resize(kinds_.size());
  for (std::uint32_t k = 0; k < kinds_.size(); ++k) {
    routing::KindCapLevels levels;
    levels.agent = a.own_kind_caps[k];
    if (!ou_kind_caps_.empty()) levels.ous = std::span<const std::uint8_t>(ou_kind_caps_).subspan(k);
    levels.ou_stride = kinds_.size();
    levels.tenant = tenant_kind_caps_[k];
    a.kind_caps[k] = routing::ResolveCap(a.own_cap, a.ou, ous_, tenant_cap_, false, &levels);
  }
}

int ReferenceModel::BestAgent(std::uint32_t q, const Key& k) const {
  if (queues_[q].voice) return -1;
  const std::map<std::string, int> need = Required(k, q);
  int best = -1;
  PolicyRank best_rank;
  for (std::uint32_t i = 0; i < agents_.size(); ++i) {
    const Agent& a = agents_[i];
    if (!Eligible(a, KindOf(k)) || std::find(a.queues.begin(), a.queues.end(), q) == a.queues.end()) continue;
    std::uint32_t level_sum = 0;
    bool qualifies = true;
    for (const auto& [skill, level] : need) {
      auto held = a.skills.find(skill);
      const int have = held == a.skills.end() ? 0 : held->second;
      qualifies = qualifies && have >= level;
      level_sum += static_cast<std::uint32_t>(have);
    }
    if (!qualifies) continue;
    AgentRankInput in;
    const auto [load, cap] = Capacity(a, KindOf(k));
    in.active_sessions = load;
    // The model with the cap bug believes every cap one higher, so that
    // what it ranks stays below the cap it ranks against (least_busy
    // asserts that).
    in.effective_cap = cap.cap + (cap_bug_ ? 1 : 0);
    in.idle_since_ns = a.idle_since;
    in.skill_level = level_sum;
    auto ls = a.last_served.find(q);
    in.last_served_seq = ls == a.last_served.end() ? 0 : ls->second;
    PolicyRank r = queues_[q].policy->Rank(in);
    if (best < 0 || r < best_rank) {
      best = static_cast<int>(i);
      best_rank = r;
    }
  }
  return best;
}

std::vector<ReferenceModel::Key> ReferenceModel::ReservedFor(int agent) const {
  std::vector<Key> out;
  for (const auto& [k, s] : sessions_) {
    if (s.reserved && s.preferred == agent) out.push_back(k);
  }
  std::sort(out.begin(), out.end(), [&](const Key& x, const Key& y) {
    return Order(x, sessions_.at(x).queue) < Order(y, sessions_.at(y).queue);
  });
  return out;
}

bool ReferenceModel::Qualified(const Agent& a, const Key& k, std::uint32_t q) const {
  if (std::find(a.queues.begin(), a.queues.end(), q) == a.queues.end()) return false;
  for (const auto& [skill, level] : Required(k, q)) {
    auto held = a.skills.find(skill);
    if (held == a.skills.end() || held->second < level) return false;
  }
  return true;
}

void ReferenceModel::Enqueue(const Key& k, std::uint32_t q, std::int64_t now) {
  Session& s = sessions_[k];
  s.queue = q;
  s.enqueued = now;
  enqueue_order_[k] = next_enqueue_++;
  using Outcome = routing::PreferenceOutcome;
  if (s.preferred >= 0 && s.outcome == Outcome::kPending) {
    // The preferred agent takes it now, or it waits for that agent, or (the
    // agent signed out or not qualified) it goes on as any other session.
    const Agent& p = agents_[s.preferred];
    if (!Qualified(p, k, q) || p.state == routing::AgentState::kSignedOut) {
      s.outcome = Outcome::kUnavailable;
    } else if (Eligible(p, KindOf(k))) {
      s.outcome = Outcome::kServed;
      Assign(k, s.preferred, q, now);
      return;
    } else if (Waiting(q).size() + Reserved(q) >= queues_[q].max_waiting) {
      s.outcome = Outcome::kLeft;
      Overflow(k, q, routing::LeaveReason::kQueueFull, now);
      return;
    } else {
      s.waiting = true;
      s.reserved = true;
      reservations_.push_back({now + queues_[q].sticky_wait, next_reservation_++, k});
      return;
    }
  }
  int agent = BestAgent(q, k);
  const bool others_wait = !Waiting(q).empty();
  if (agent >= 0 && !others_wait) {
    Assign(k, agent, q, now);
    return;
  }
  if (agent < 0 && Waiting(q).size() + Reserved(q) >= queues_[q].max_waiting) {
    Overflow(k, q, routing::LeaveReason::kQueueFull, now);
    return;
  }
  s.waiting = true;
  // A free agent while others wait (it was freed by this very step): the
  // oldest is served first.
  if (agent >= 0) Dispatch({q}, now);
}

void ReferenceModel::Overflow(const Key& k, std::uint32_t from, routing::LeaveReason reason, std::int64_t now) {
  Session& s = sessions_[k];
  if (s.reserved) s.outcome = routing::PreferenceOutcome::kLeft;
  s.reserved = false;
  s.waiting = false;
  if (queues_[from].overflow == UINT32_MAX) {
    LeaveMessage(k, reason);
  } else {
    Enqueue(k, queues_[from].overflow, now);
  }
}

void ReferenceModel::Assign(const Key& k, int agent, std::uint32_t q, std::int64_t now) {
  Session& s = sessions_[k];
  Agent& a = agents_[agent];
  s.waiting = false;
  s.agent = agent;
  s.queue = q;
  a.sessions.push_back(k);
  a.idle_since = now;
  a.last_served[q] = ++queues_[q].served;
  events_.push_back({routing::RoutingEventType::kAssigned, k.first, k.second, a.employee_id, 0, s.messages});
}

void ReferenceModel::EndAssigned(const Key& k, routing::EndReason reason, std::int64_t now) {
  Agent& a = agents_[sessions_[k].agent];
  const std::uint64_t full_before = FullMask(a);
  a.sessions.erase(std::find(a.sessions.begin(), a.sessions.end(), k));
  const std::int64_t wrap = queues_[sessions_[k].queue].wrap_up;
  if (any_sticky_) last_agent_[k] = {sessions_[k].agent, now};
  if (wrap > 0) {
    a.wraps.push_back({now + wrap, next_wrap_seq_++, KindOf(k)});
  } else {
    NoteFreed(a, full_before, now);
  }
  events_.push_back(
      {routing::RoutingEventType::kSessionEnded, k.first, k.second, a.employee_id, static_cast<int>(reason), 0});
  Erase(k);
}

void ReferenceModel::Dispatch(const std::vector<std::uint32_t>& queues, std::int64_t now) {
  for (;;) {
    std::optional<Key> oldest;
    std::uint32_t oldest_q = 0;
    for (std::uint32_t q : queues) {
      for (const Key& w : Waiting(q)) {
        if (BestAgent(q, w) < 0) continue;
        if (!oldest || Order(w, q) < Order(*oldest, oldest_q)) {
          oldest = w;
          oldest_q = q;
        }
        break;
      }
    }
    if (!oldest) return;
    Assign(*oldest, BestAgent(oldest_q, *oldest), oldest_q, now);
  }
}

void ReferenceModel::ServeReserved(std::uint32_t agent, std::int64_t now) {
  for (;;) {
    const std::vector<Key> mine = ReservedFor(static_cast<int>(agent));
    auto first =
        std::find_if(mine.begin(), mine.end(), [&](const Key& k) { return Eligible(agents_[agent], KindOf(k)); });
    if (first == mine.end()) return;
    Session& s = sessions_[*first];
    s.reserved = false;
    s.outcome = routing::PreferenceOutcome::kServed;
    Assign(*first, static_cast<int>(agent), s.queue, now);
  }
}

void ReferenceModel::Recompute(std::int64_t now) {
  for (Agent& a : agents_) {
    if (a.retired) continue;  // the router resolves the caps of its agents only
    const std::uint64_t full_before = FullMask(a);
    ResolveCaps(a);
    NoteFreed(a, full_before, now);
  }
  for (std::uint32_t i = 0; i < agents_.size(); ++i) ServeReserved(i, now);
  std::vector<std::uint32_t> all;
  for (std::uint32_t q = 0; q < queues_.size(); ++q) all.push_back(q);
  Dispatch(all, now);
}

}  // namespace routerd::testing
