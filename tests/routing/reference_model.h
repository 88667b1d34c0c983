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
#include "engine/routing/tenant_router.h"

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
    bool waiting = false;  // reserved ones too
    std::optional<std::uint8_t> priority;  // set at run time
    // A preferred agent (-1: none or unknown), where from, what became of it,
    // and whether the session waits for it (then not in Waiting()).
    int preferred = -1;
    routing::PreferenceSource source = routing::PreferenceSource::kNone;
    routing::PreferenceOutcome outcome = routing::PreferenceOutcome::kPending;
    bool reserved = false;
  };
  // After-contact work: ends at `until`; ties end in the order they began.
  struct Wrap {
    std::int64_t until = 0;
    std::uint64_t seq = 0;
    std::uint32_t kind = 0;  // per-channel-kind access: its session's channel kind
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
    // Per-channel-kind access: its own cap for each kind (0: none), and the
    // effective cap of each kind.
    std::vector<std::uint8_t> own_kind_caps;
    std::vector<routing::EffectiveCap> kind_caps;
    bool retired = false;  // removed by a reload: unknown to commands and contacts
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
    std::int64_t sticky = 0;
    std::int64_t sticky_wait = 0;
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
      channel_kind_.push_back(per_kind_ ? static_cast<std::uint32_t>(
                                              std::lower_bound(kinds_.begin(), kinds_.end(), c.kind) - kinds_.begin())
                                        : 0);
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

  // Waiting sessions of queue q in service order, those reserved for a
  // preferred agent left out.
  std::vector<Key> Waiting(std::uint32_t q) const {
    std::vector<std::pair<std::pair<std::int64_t, std::uint64_t>, Key>> w;
    for (const auto& [k, s] : sessions_) {
      if (s.waiting && !s.reserved && s.queue == q) w.push_back({Order(k, q), k});
    }
    std::sort(w.begin(), w.end());
    std::vector<Key> out;
    for (auto& [order, k] : w) out.push_back(k);
    return out;
  }

  // `preferred`: the agent the contact names (-1: a name nobody has).
  void OnContact(std::uint32_t channel, const std::string& customer, std::int64_t now,
                 std::optional<int> preferred = std::nullopt) {
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

  routerd::StatusCode OnCommand(routing::AgentCommandType type, std::uint32_t target,
                                std::optional<std::uint32_t> cap, const std::optional<Key>& session,
                                std::int64_t now, std::uint32_t to_queue = UINT32_MAX,
                                std::uint32_t to_agent = UINT32_MAX, std::uint8_t reason = 0,
                                std::optional<std::size_t> wrap_index = std::nullopt,
                                std::optional<std::uint8_t> priority = std::nullopt) {
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
        Agent& a = agents_[target];
        if (!session || std::find(a.sessions.begin(), a.sessions.end(), *session) == a.sessions.end()) {
          return routerd::StatusCode::kNotFound;
        }
        EndAssigned(*session, routing::EndReason::kClosed, now);
        DispatchAgent(target, now);
        return routerd::StatusCode::kOk;
      }
      case T::kTransfer: {
        Agent& a = agents_[target];
        if (!session || std::find(a.sessions.begin(), a.sessions.end(), *session) == a.sessions.end()) {
          return routerd::StatusCode::kNotFound;
        }
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
          s.source = to_agent == UINT32_MAX ? routing::PreferenceSource::kNone
                                            : routing::PreferenceSource::kTransfer;
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
        DispatchAgent(static_cast<std::uint32_t>(agent), now);
      } else {
        s.waiting = false;
        s.reserved = false;
        LeaveMessage(k, routing::LeaveReason::kIdleTimeout);
      }
    }
  }

  // The agent's OU, queues, skills and type change while it works
  // (TenantRouter::ApplyAgentConfig): it keeps its state and what it holds;
  // its turn in a queue it serves before and after carries over; sessions
  // waiting for it in particular that it no longer qualifies for go back to
  // their queue; then it serves what it may.
  void ChangeAgent(std::uint32_t agent, std::uint32_t ou, std::vector<std::uint32_t> queues,
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

  std::uint32_t ou_count() const { return static_cast<std::uint32_t>(ous_.size()); }
  std::uint32_t queue_count() const { return static_cast<std::uint32_t>(queues_.size()); }
  bool QueueVoice(std::uint32_t q) const { return queues_[q].voice; }
  // Queue `q`, the next one; `all`: every queue, for its overflow target.
  void AddQueue(const config::SkillQueueConfig& q, const std::vector<config::SkillQueueConfig>& all,
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
  // Whether OU `ou` may go under `parent` (routing::kNoOu: the top) and the
  // OUs stay a tree.
  bool OuParentFits(std::uint32_t ou, std::uint32_t parent) const {
    for (std::uint32_t p = parent; p != routing::kNoOu; p = ous_[p].parent) {
      if (p == ou) return false;
    }
    return true;
  }
  // An OU moved under `parent` and given `cap` as its configured cap, or added
  // last (ou == ou_count()) (TenantRouter::ApplyOus): a cap set at run time
  // keeps winning; every agent's cap resolves again.
  void ChangeOu(std::uint32_t ou, std::uint32_t parent, std::optional<std::uint32_t> cap, std::int64_t now) {
    if (ou == ous_.size()) {
      ous_.emplace_back();
      ou_cap_runtime_.push_back(false);
      ou_kind_caps_.resize(ou_kind_caps_.size() + kinds_.size(), 0);
    }
    ous_[ou].parent = parent;
    if (!ou_cap_runtime_[ou]) ous_[ou].cap = cap;
    Recompute(now);
  }

  // An agent a reload adds (TenantRouter::AddAgent): signed out, last, or in
  // its old place if it was removed before.
  std::uint32_t AddAgent(const std::string& employee_id, std::uint32_t ou, std::vector<std::uint32_t> queues,
                         std::map<std::string, int> skills, config::AgentType type) {
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
  // An agent a reload removes (TenantRouter::RetireAgent): signed out, out of
  // its queues, unknown from then on.
  void RetireAgent(std::uint32_t agent, std::int64_t now) {
    SignOut(agent, now);
    Agent& a = agents_[agent];
    a.queues.clear();
    a.last_served.clear();
    a.retired = true;
  }

 private:
  void SignOut(std::uint32_t target, std::int64_t now) {
    Agent& a = agents_[target];
    if (a.state == routing::AgentState::kSignedOut) return;
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

  // Capacity: in unified access all of an agent's units count against its
  // cap; in per-channel-kind access those of each kind against the kind's cap,
  // and all of them against 60.
  std::uint32_t KindOf(const Key& k) const { return channel_kind_[k.first]; }
  std::uint32_t LoadOf(const Agent& a, std::uint32_t kind) const {
    std::uint32_t n = 0;
    for (const Key& k : a.sessions) n += KindOf(k) == kind;
    for (const Wrap& w : a.wraps) n += w.kind == kind;
    return n;
  }
  // The load and cap a session of `kind` counts against.
  std::pair<std::uint32_t, routing::EffectiveCap> Capacity(const Agent& a, std::uint32_t kind) const {
    if (!per_kind_) return {static_cast<std::uint32_t>(a.load()), a.cap};
    return {LoadOf(a, kind), a.kind_caps[kind]};
  }
  bool HasRoom(const Agent& a, std::uint32_t kind) const {
    if (per_kind_ && a.load() >= 60) return false;
    const auto [load, cap] = Capacity(a, kind);
    return load < cap.cap + (cap_bug_ ? 1 : 0);
  }
  bool Eligible(const Agent& a, std::uint32_t kind) const {
    return a.state == routing::AgentState::kReady && a.type != config::AgentType::kVoice && HasRoom(a, kind);
  }
  // Bit k: the agent is at its cap for kind k (unified access: bit 0, its cap).
  std::uint64_t FullMask(const Agent& a) const {
    if (!per_kind_) return a.load() >= a.cap.cap ? 1 : 0;
    std::uint64_t mask = 0;
    for (std::uint32_t k = 0; k < kinds_.size(); ++k) {
      if (a.load() >= 60 || LoadOf(a, k) >= a.kind_caps[k].cap) mask |= std::uint64_t{1} << k;
    }
    return mask;
  }
  // An agent at a cap that is below it now starts a new idle stretch.
  void NoteFreed(Agent& a, std::uint64_t full_before, std::int64_t now) const {
    if ((full_before & ~FullMask(a)) != 0) a.idle_since = now;
  }
  void ResolveCaps(Agent& a) const {
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

  // Sessions of queue q waiting for a preferred agent.
  std::size_t Reserved(std::uint32_t q) const {
    std::size_t n = 0;
    for (const auto& [k, s] : sessions_) n += s.reserved && s.queue == q;
    return n;
  }
  std::vector<Key> ReservedFor(int agent) const {
    std::vector<Key> out;
    for (const auto& [k, s] : sessions_) {
      if (s.reserved && s.preferred == agent) out.push_back(k);
    }
    std::sort(out.begin(), out.end(), [&](const Key& x, const Key& y) {
      return Order(x, sessions_.at(x).queue) < Order(y, sessions_.at(y).queue);
    });
    return out;
  }
  // Whether agent a may take session k of queue q: a member qualified for its skills.
  bool Qualified(const Agent& a, const Key& k, std::uint32_t q) const {
    if (std::find(a.queues.begin(), a.queues.end(), q) == a.queues.end()) return false;
    for (const auto& [skill, level] : Required(k, q)) {
      auto held = a.skills.find(skill);
      if (held == a.skills.end() || held->second < level) return false;
    }
    return true;
  }

  void Enqueue(const Key& k, std::uint32_t q, std::int64_t now) {
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

  void Overflow(const Key& k, std::uint32_t from, routing::LeaveReason reason, std::int64_t now) {
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

  // The agent serves the sessions waiting for it first (first in service
  // order first), while it may; then its queues' waiting sessions.
  void ServeReserved(std::uint32_t agent, std::int64_t now) {
    for (;;) {
      const std::vector<Key> mine = ReservedFor(static_cast<int>(agent));
      auto first = std::find_if(mine.begin(), mine.end(),
                                [&](const Key& k) { return Eligible(agents_[agent], KindOf(k)); });
      if (first == mine.end()) return;
      Session& s = sessions_[*first];
      s.reserved = false;
      s.outcome = routing::PreferenceOutcome::kServed;
      Assign(*first, static_cast<int>(agent), s.queue, now);
    }
  }
  void DispatchAgent(std::uint32_t agent, std::int64_t now) {
    ServeReserved(agent, now);
    Dispatch(agents_[agent].queues, now);
  }
  // A reserved session joins its queue's waiting sessions.
  void StopWaiting(const Key& k, routing::PreferenceOutcome outcome, std::int64_t now) {
    Session& s = sessions_[k];
    s.reserved = false;
    s.outcome = outcome;
    Dispatch({s.queue}, now);
  }

  void Recompute(std::int64_t now) {
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

  bool cap_bug_;
  std::uint32_t tenant_cap_, configured_cap_;
  std::int64_t idle_timeout_;
  std::vector<routing::OuNode> ous_;
  std::vector<bool> ou_cap_runtime_;  // by OU: its cap was set by a command
  std::vector<Queue> queues_;
  std::vector<Agent> agents_;
  std::vector<std::uint32_t> channel_queue_;
  bool per_kind_ = false;
  std::vector<std::string> kinds_;                // per-channel-kind access: sorted
  std::vector<std::uint32_t> channel_kind_;       // channel -> kind (0 in unified access)
  std::vector<std::uint8_t> tenant_kind_caps_;    // kind -> cap, 0: none
  std::vector<std::uint8_t> ou_kind_caps_;        // ou * kinds + kind
  std::vector<std::optional<int>> channel_priority_;
  std::vector<std::map<std::string, int>> channel_required_;
  bool any_sticky_ = false;
  std::map<Key, std::pair<int, std::int64_t>> last_agent_;  // customer -> agent, when its session ended
  std::vector<std::tuple<std::int64_t, std::uint64_t, Key>> reservations_;  // until, order, session
  std::uint64_t next_reservation_ = 1;
  std::map<Key, Session> sessions_;
  std::vector<Key> idle_order_;
  std::map<Key, std::uint64_t> enqueue_order_;
  std::uint64_t next_seq_ = 1, next_enqueue_ = 1, next_wrap_seq_ = 1;
  std::size_t reasons_ = 0;
  std::vector<RefEvent> events_;
};

}  // namespace routerd::testing
