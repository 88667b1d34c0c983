// A plain reference model of the routing rules: the same decisions as
// TenantRouter, written with linear scans over simple containers and no
// incremental indexes, so that the two can be compared step by step.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/config/config.h"
#include "engine/routing/cap_resolver.h"
#include "engine/routing/policy_registry.h"
#include "engine/routing/routing_events.h"

namespace routerd::testing {

// A routing event reduced to what both implementations can name.
struct RefEvent {
  routing::RoutingEventType type;
  std::uint32_t channel = 0;
  std::string customer;
  std::string employee_id;
  int reason = 0;        // EndReason or LeaveReason
  std::size_t messages = 0;  // history size of assigned / leave message
  friend bool operator==(const RefEvent&, const RefEvent&) = default;
};

class ReferenceModel {
 public:
  using Key = std::pair<std::uint32_t, std::string>;

  struct Session {
    std::uint32_t queue = 0;
    int agent = -1;
    std::int64_t arrival = 0;
    std::uint64_t seq = 0;
    std::int64_t enqueued = 0;
    std::int64_t last_activity = 0;
    std::size_t messages = 0;
    bool waiting = false;
    std::optional<std::uint8_t> priority;  // set at run time
  };
  // After-contact work: ends at `until`; ties end in the order they began.
  struct Wrap {
    std::int64_t until = 0;
    std::uint64_t seq = 0;
  };
  struct Agent {
    std::string employee_id;
    config::AgentType type;
    std::uint32_t ou;
    std::optional<std::uint32_t> own_cap;
    routing::EffectiveCap cap;
    routing::AgentState state = routing::AgentState::kSignedOut;
    std::uint8_t reason = 0;  // as AgentCommand::reason
    std::vector<Key> sessions;
    std::vector<Wrap> wraps;
    // The later of: its last assignment, becoming ready, and the last time it
    // went from its cap to below it.
    std::int64_t idle_since = 0;
    std::size_t load() const { return sessions.size() + wraps.size(); }
    std::vector<std::uint32_t> queues;
    std::map<std::uint32_t, std::uint64_t> last_served;
    std::map<std::string, int> skills;
  };
  struct Queue {
    const AssignmentPolicy* policy;
    std::int64_t max_wait;
    std::uint32_t max_waiting;
    std::uint32_t overflow;  // routing::kNoOu-like: UINT32_MAX = leave message
    bool voice;
    std::int64_t aging = 0;
    int priority = 0;
    std::int64_t wrap_up = 0;
    std::uint64_t served = 0;
    std::map<std::string, int> required;
  };

  // `cap_bug` makes the model wrong on purpose (allows one session over the
  // cap) so a test can prove the checker and the shrinker catch it.
  ReferenceModel(const config::TenantConfig& t, const routing::PolicyRegistry& policies, bool cap_bug = false)
      : cap_bug_(cap_bug) {
    tenant_cap_ = configured_cap_ = static_cast<std::uint32_t>(t.max_concurrent_sessions);
    idle_timeout_ = static_cast<std::int64_t>(t.session_idle_timeout_seconds) * 1'000'000'000;
    for (const auto& ou : t.ous) {
      routing::OuNode n;
      n.parent = ou.parent.empty() ? routing::kNoOu : Index(t.ous, ou.parent);
      if (ou.max_concurrent_sessions) n.cap = *ou.max_concurrent_sessions;
      ous_.push_back(n);
    }
    for (const auto& q : t.skill_queues) {
      Queue rq{policies.Find(q.strategy), static_cast<std::int64_t>(q.max_wait_seconds) * 1'000'000'000,
               static_cast<std::uint32_t>(q.max_waiting), UINT32_MAX, q.media == config::QueueMedia::kVoice};
      if (q.on_overflow.kind == config::OverflowTarget::Kind::kQueue) {
        rq.overflow = IndexQ(t.skill_queues, q.on_overflow.queue_id);
      }
      rq.wrap_up = static_cast<std::int64_t>(q.wrap_up_seconds) * 1'000'000'000;
      rq.aging = static_cast<std::int64_t>(q.priority_aging_seconds) * 1'000'000'000;
      rq.priority = q.priority;
      for (const auto& need : q.required_skills) rq.required[need.skill] = need.level;
      queues_.push_back(rq);
    }
    for (const auto& a : t.agents) {
      Agent ra;
      ra.employee_id = a.employee_id;
      ra.type = a.type;
      ra.ou = Index(t.ous, a.ou);
      if (a.max_concurrent_sessions) ra.own_cap = *a.max_concurrent_sessions;
      ra.cap = routing::ResolveCap(ra.own_cap, ra.ou, ous_, tenant_cap_);
      for (const auto& q : a.skill_queues) ra.queues.push_back(IndexQ(t.skill_queues, q));
      for (const auto& skill : a.skills) ra.skills[skill.skill] = skill.level;
      agents_.push_back(ra);
    }
    for (const auto& c : t.channels) {
      channel_queue_.push_back(IndexQ(t.skill_queues, c.skill_queue));
      channel_priority_.push_back(c.priority);
      std::map<std::string, int> required;
      for (const auto& need : c.required_skills) required[need.skill] = need.level;
      channel_required_.push_back(required);
    }
    reasons_ = t.not_ready_reasons.size();
  }

  const std::vector<Agent>& agents() const { return agents_; }
  const std::map<Key, Session>& sessions() const { return sessions_; }
  std::vector<RefEvent>& events() { return events_; }

  // Whether a ready agent with room that qualifies for the waiting session k
  // exists (the router never lets one stay idle).
  bool CouldBeServed(const Key& k) const { return BestAgent(sessions_.at(k).queue, k) >= 0; }

  // The earliest entry into queue q of a session waiting there, if any.
  std::optional<std::int64_t> OldestEnqueued(std::uint32_t q) const {
    std::optional<std::int64_t> oldest;
    for (const auto& [k, s] : sessions_) {
      if (s.waiting && s.queue == q && (!oldest || s.enqueued < *oldest)) oldest = s.enqueued;
    }
    return oldest;
  }

  // The priority a session has in queue q: set at run time, else its
  // channel's, else the queue's.
  int PriorityIn(const Key& k, std::uint32_t q) const {
    const Session& s = sessions_.at(k);
    if (s.priority) return *s.priority;
    if (channel_priority_[k.first]) return *channel_priority_[k.first];
    return queues_[q].priority;
  }
  // Served in order of (first arrival - priority x aging, arrival order).
  std::pair<std::int64_t, std::uint64_t> Order(const Key& k, std::uint32_t q) const {
    const Session& s = sessions_.at(k);
    return {s.arrival - PriorityIn(k, q) * queues_[q].aging, s.seq};
  }

  // Waiting sessions of queue q in service order.
  std::vector<Key> Waiting(std::uint32_t q) const {
    std::vector<std::pair<std::pair<std::int64_t, std::uint64_t>, Key>> w;
    for (const auto& [k, s] : sessions_) {
      if (s.waiting && s.queue == q) w.push_back({Order(k, q), k});
    }
    std::sort(w.begin(), w.end());
    std::vector<Key> out;
    for (auto& [order, k] : w) out.push_back(k);
    return out;
  }

  void OnContact(std::uint32_t channel, const std::string& customer, std::int64_t now) {
    Key key{channel, customer};
    auto it = sessions_.find(key);
    if (it != sessions_.end()) {
      it->second.messages++;
      it->second.last_activity = now;
      idle_order_.erase(std::find(idle_order_.begin(), idle_order_.end(), key));
      idle_order_.push_back(key);
      if (it->second.agent >= 0) {
        events_.push_back({routing::RoutingEventType::kMessage, channel, customer,
                           agents_[it->second.agent].employee_id, 0, 0});
      }
      return;
    }
    Session s;
    s.arrival = now;
    s.seq = next_seq_++;
    s.last_activity = now;
    s.messages = 1;
    sessions_[key] = s;
    idle_order_.push_back(key);
    Enqueue(key, channel_queue_[channel], now);
  }

  routerd::StatusCode OnCommand(routing::AgentCommandType type, std::uint32_t target,
                                std::optional<std::uint32_t> cap, const std::optional<Key>& session,
                                std::int64_t now, std::uint32_t to_queue = UINT32_MAX,
                                std::uint32_t to_agent = UINT32_MAX, std::uint8_t reason = 0,
                                std::optional<std::size_t> wrap_index = std::nullopt,
                                std::optional<std::uint8_t> priority = std::nullopt) {
    using T = routing::AgentCommandType;
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
          Dispatch(a.queues, now);
        }
        return routerd::StatusCode::kOk;
      }
      case T::kNotReady:
        if (agents_[target].state == routing::AgentState::kSignedOut) return routerd::StatusCode::kFailedPrecondition;
        if (reason > reasons_) return routerd::StatusCode::kInvalidArgument;
        agents_[target].state = routing::AgentState::kNotReady;
        agents_[target].reason = reason;
        return routerd::StatusCode::kOk;
      case T::kSignOut: {
        Agent& a = agents_[target];
        if (a.state == routing::AgentState::kSignedOut) return routerd::StatusCode::kOk;
        a.state = routing::AgentState::kSignedOut;
        a.reason = 0;
        a.wraps.clear();
        std::vector<Key> keys = a.sessions;
        std::sort(keys.begin(), keys.end(), [&](const Key& x, const Key& y) {
          return Order(x, sessions_[x].queue) < Order(y, sessions_[y].queue);
        });
        for (const Key& k : keys) {
          events_.push_back({routing::RoutingEventType::kSessionEnded, k.first, k.second, a.employee_id,
                             static_cast<int>(routing::EndReason::kRequeued), 0});
          sessions_[k].agent = -1;
        }
        a.sessions.clear();
        for (const Key& k : keys) Enqueue(k, sessions_[k].queue, now);
        return routerd::StatusCode::kOk;
      }
      case T::kCloseSession: {
        Agent& a = agents_[target];
        if (!session || std::find(a.sessions.begin(), a.sessions.end(), *session) == a.sessions.end()) {
          return routerd::StatusCode::kNotFound;
        }
        EndAssigned(*session, routing::EndReason::kClosed, now);
        Dispatch(a.queues, now);
        return routerd::StatusCode::kOk;
      }
      case T::kTransfer: {
        Agent& a = agents_[target];
        if (!session || std::find(a.sessions.begin(), a.sessions.end(), *session) == a.sessions.end()) {
          return routerd::StatusCode::kNotFound;
        }
        if (to_agent != UINT32_MAX) {
          if (to_agent >= agents_.size()) return routerd::StatusCode::kNotFound;
          if (to_agent == target) return routerd::StatusCode::kInvalidArgument;
          const Agent& to = agents_[to_agent];
          if (to.type == config::AgentType::kVoice || to.state != routing::AgentState::kReady ||
              to.load() >= to.cap.cap) {
            return routerd::StatusCode::kFailedPrecondition;
          }
        } else if (to_queue != UINT32_MAX) {
          if (to_queue >= queues_.size()) return routerd::StatusCode::kNotFound;
          if (queues_[to_queue].voice) return routerd::StatusCode::kFailedPrecondition;
        } else {
          return routerd::StatusCode::kInvalidArgument;
        }
        const Key k = *session;
        const bool was_full = a.load() >= a.cap.cap;
        a.sessions.erase(std::find(a.sessions.begin(), a.sessions.end(), k));
        if (was_full && a.load() < a.cap.cap) a.idle_since = now;
        sessions_[k].agent = -1;
        events_.push_back({routing::RoutingEventType::kSessionEnded, k.first, k.second, a.employee_id,
                           static_cast<int>(routing::EndReason::kTransferred), 0});
        if (to_agent != UINT32_MAX) {
          Assign(k, static_cast<int>(to_agent), sessions_[k].queue, now);
        } else {
          Enqueue(k, to_queue, now);
        }
        Dispatch(a.queues, now);
        return routerd::StatusCode::kOk;
      }
      case T::kEndWrapUp: {
        Agent& a = agents_[target];
        if (wrap_index && *wrap_index >= a.wraps.size()) return routerd::StatusCode::kNotFound;
        if (a.wraps.empty()) return routerd::StatusCode::kNotFound;
        const bool was_full = a.load() >= a.cap.cap;
        if (wrap_index) {
          a.wraps.erase(a.wraps.begin() + static_cast<std::ptrdiff_t>(*wrap_index));
        } else {
          a.wraps.clear();
        }
        if (was_full && a.load() < a.cap.cap) a.idle_since = now;
        Dispatch(a.queues, now);
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
        Recompute(now);
        return routerd::StatusCode::kOk;
      case T::kSetTenantCap:
        tenant_cap_ = cap.value_or(configured_cap_);
        Recompute(now);
        return routerd::StatusCode::kOk;
    }
    return routerd::StatusCode::kInvalidArgument;
  }

  void OnTick(std::int64_t now) {
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
      const bool was_full = a.load() >= a.cap.cap;
      a.wraps.erase(a.wraps.begin() + static_cast<std::ptrdiff_t>(due_index));
      if (was_full && a.load() < a.cap.cap) a.idle_since = now;
      Dispatch(a.queues, now);
    }
    for (std::uint32_t q = 0; q < queues_.size(); ++q) {
      for (;;) {
        // The session that entered the queue earliest hits max_wait first.
        std::optional<Key> first;
        for (const auto& [k, s] : sessions_) {
          if (s.waiting && s.queue == q && (!first || s.enqueued < sessions_[*first].enqueued ||
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
        Dispatch(agents_[agent].queues, now);
      } else {
        s.waiting = false;
        LeaveMessage(k, routing::LeaveReason::kIdleTimeout);
      }
    }
  }

 private:
  template <typename T>
  static std::uint32_t Index(const std::vector<T>& v, const std::string& id) {
    for (std::uint32_t i = 0; i < v.size(); ++i) {
      if (v[i].id == id) return i;
    }
    return routing::kNoOu;
  }
  static std::uint32_t IndexQ(const std::vector<config::SkillQueueConfig>& v, const std::string& id) {
    return Index(v, id);
  }

  std::uint64_t EnqOrder(const Key& k) const {
    auto it = enqueue_order_.find(k);
    return it == enqueue_order_.end() ? 0 : it->second;
  }

  bool Eligible(const Agent& a) const {
    const std::uint32_t cap = a.cap.cap + (cap_bug_ ? 1 : 0);
    return a.state == routing::AgentState::kReady && a.type != config::AgentType::kVoice && a.load() < cap;
  }

  // The skills session k needs in queue q: the queue's and its channel's,
  // the higher level where both name one.
  std::map<std::string, int> Required(const Key& k, std::uint32_t q) const {
    std::map<std::string, int> need = queues_[q].required;
    for (const auto& [skill, level] : channel_required_[k.first]) need[skill] = std::max(need[skill], level);
    return need;
  }

  // Best eligible agent of queue q for session k, by (rank, configuration
  // order), among those holding every skill k needs at its level.
  int BestAgent(std::uint32_t q, const Key& k) const {
    if (queues_[q].voice) return -1;
    const std::map<std::string, int> need = Required(k, q);
    int best = -1;
    PolicyRank best_rank;
    for (std::uint32_t i = 0; i < agents_.size(); ++i) {
      const Agent& a = agents_[i];
      if (!Eligible(a) || std::find(a.queues.begin(), a.queues.end(), q) == a.queues.end()) continue;
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
      in.active_sessions = static_cast<std::uint32_t>(a.load());
      in.effective_cap = a.cap.cap;
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

  void Enqueue(const Key& k, std::uint32_t q, std::int64_t now) {
    Session& s = sessions_[k];
    s.queue = q;
    s.enqueued = now;
    enqueue_order_[k] = next_enqueue_++;
    int agent = BestAgent(q, k);
    const bool others_wait = !Waiting(q).empty();
    if (agent >= 0 && !others_wait) {
      Assign(k, agent, q, now);
      return;
    }
    if (agent < 0 && Waiting(q).size() >= queues_[q].max_waiting) {
      Overflow(k, q, routing::LeaveReason::kQueueFull, now);
      return;
    }
    s.waiting = true;
    // A free agent while others wait (it was freed by this very step): the
    // oldest is served first.
    if (agent >= 0) Dispatch({q}, now);
  }

  void Overflow(const Key& k, std::uint32_t from, routing::LeaveReason reason, std::int64_t now) {
    sessions_[k].waiting = false;
    if (queues_[from].overflow == UINT32_MAX) {
      LeaveMessage(k, reason);
    } else {
      Enqueue(k, queues_[from].overflow, now);
    }
  }

  void LeaveMessage(const Key& k, routing::LeaveReason reason) {
    events_.push_back({routing::RoutingEventType::kLeaveMessage, k.first, k.second, "", static_cast<int>(reason),
                       sessions_[k].messages});
    Erase(k);
  }

  void Assign(const Key& k, int agent, std::uint32_t q, std::int64_t now) {
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

  void EndAssigned(const Key& k, routing::EndReason reason, std::int64_t now) {
    Agent& a = agents_[sessions_[k].agent];
    const bool was_full = a.load() >= a.cap.cap;
    a.sessions.erase(std::find(a.sessions.begin(), a.sessions.end(), k));
    const std::int64_t wrap = queues_[sessions_[k].queue].wrap_up;
    if (wrap > 0) {
      a.wraps.push_back({now + wrap, next_wrap_seq_++});
    } else if (was_full && a.load() < a.cap.cap) {
      a.idle_since = now;
    }
    events_.push_back(
        {routing::RoutingEventType::kSessionEnded, k.first, k.second, a.employee_id, static_cast<int>(reason), 0});
    Erase(k);
  }

  void Erase(const Key& k) {
    idle_order_.erase(std::find(idle_order_.begin(), idle_order_.end(), k));
    enqueue_order_.erase(k);
    sessions_.erase(k);
  }

  // The first waiting session (in service order) among `queues` that some
  // eligible agent qualifies for goes to the best such agent of its queue,
  // until no such pair is left.
  void Dispatch(const std::vector<std::uint32_t>& queues, std::int64_t now) {
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

  void Recompute(std::int64_t now) {
    for (Agent& a : agents_) {
      const bool was_full = a.load() >= a.cap.cap;
      a.cap = routing::ResolveCap(a.own_cap, a.ou, ous_, tenant_cap_);
      if (was_full && a.load() < a.cap.cap) a.idle_since = now;
    }
    std::vector<std::uint32_t> all;
    for (std::uint32_t q = 0; q < queues_.size(); ++q) all.push_back(q);
    Dispatch(all, now);
  }

  bool cap_bug_;
  std::uint32_t tenant_cap_, configured_cap_;
  std::int64_t idle_timeout_;
  std::vector<routing::OuNode> ous_;
  std::vector<Queue> queues_;
  std::vector<Agent> agents_;
  std::vector<std::uint32_t> channel_queue_;
  std::vector<std::optional<int>> channel_priority_;
  std::vector<std::map<std::string, int>> channel_required_;
  std::map<Key, Session> sessions_;
  std::vector<Key> idle_order_;
  std::map<Key, std::uint64_t> enqueue_order_;
  std::uint64_t next_seq_ = 1, next_enqueue_ = 1, next_wrap_seq_ = 1;
  std::size_t reasons_ = 0;
  std::vector<RefEvent> events_;
};

}  // namespace routerd::testing
