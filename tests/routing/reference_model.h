// A plain reference model of the routing rules: the same decisions as
// TenantRouter, written with linear scans over simple containers and no
// incremental indexes, so that the two can be compared step by step.
// reference_model.cc has what the steps do, reference_model_rules.cc the
// rules they share (caps, eligibility, queueing, dispatch).
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
  ReferenceModel(const config::TenantConfig& t, const routing::PolicyRegistry& policies, bool cap_bug = false);

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
  std::vector<Key> Waiting(std::uint32_t q) const;

  // `preferred`: the agent the contact names (-1: a name nobody has).
  void OnContact(std::uint32_t channel, const std::string& customer, std::int64_t now,
                 std::optional<int> preferred = std::nullopt);

  routerd::StatusCode OnCommand(routing::AgentCommandType type, std::uint32_t target,
                                std::optional<std::uint32_t> cap, const std::optional<Key>& session,
                                std::int64_t now, std::uint32_t to_queue = UINT32_MAX,
                                std::uint32_t to_agent = UINT32_MAX, std::uint8_t reason = 0,
                                std::optional<std::size_t> wrap_index = std::nullopt,
                                std::optional<std::uint8_t> priority = std::nullopt);

  void OnTick(std::int64_t now);

  // The agent's OU, queues, skills and type change while it works
  // (TenantRouter::ApplyAgentConfig): it keeps its state and what it holds;
  // its turn in a queue it serves before and after carries over; sessions
  // waiting for it in particular that it no longer qualifies for go back to
  // their queue; then it serves what it may.
  void ChangeAgent(std::uint32_t agent, std::uint32_t ou, std::vector<std::uint32_t> queues,
                   std::map<std::string, int> skills, config::AgentType type, std::int64_t now);

  std::uint32_t ou_count() const { return static_cast<std::uint32_t>(ous_.size()); }
  std::uint32_t queue_count() const { return static_cast<std::uint32_t>(queues_.size()); }
  bool QueueVoice(std::uint32_t q) const { return queues_[q].voice; }
  // Queue `q`, the next one; `all`: every queue, for its overflow target.
  void AddQueue(const config::SkillQueueConfig& q, const std::vector<config::SkillQueueConfig>& all,
                const routing::PolicyRegistry& policies);
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
  void ChangeOu(std::uint32_t ou, std::uint32_t parent, std::optional<std::uint32_t> cap, std::int64_t now);

  // An agent a reload adds (TenantRouter::AddAgent): signed out, last, or in
  // its old place if it was removed before.
  std::uint32_t AddAgent(const std::string& employee_id, std::uint32_t ou, std::vector<std::uint32_t> queues,
                         std::map<std::string, int> skills, config::AgentType type);
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
  void SignOut(std::uint32_t target, std::int64_t now);
  // Whether `session` is one the agent holds (a command naming none: no).
  static bool Holds(const Agent& a, const std::optional<Key>& session) {
    return session && std::find(a.sessions.begin(), a.sessions.end(), *session) != a.sessions.end();
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
  std::uint64_t FullMask(const Agent& a) const;
  // An agent at a cap that is below it now starts a new idle stretch.
  void NoteFreed(Agent& a, std::uint64_t full_before, std::int64_t now) const {
    if ((full_before & ~FullMask(a)) != 0) a.idle_since = now;
  }
  void ResolveCaps(Agent& a) const;

  // The skills session k needs in queue q: the queue's and its channel's,
  // the higher level where both name one.
  std::map<std::string, int> Required(const Key& k, std::uint32_t q) const {
    std::map<std::string, int> need = queues_[q].required;
    for (const auto& [skill, level] : channel_required_[k.first]) need[skill] = std::max(need[skill], level);
    return need;
  }

  // Best eligible agent of queue q for session k, by (rank, configuration
  // order), among those holding every skill k needs at its level.
  int BestAgent(std::uint32_t q, const Key& k) const;

  // Sessions of queue q waiting for a preferred agent.
  std::size_t Reserved(std::uint32_t q) const {
    std::size_t n = 0;
    for (const auto& [k, s] : sessions_) n += s.reserved && s.queue == q;
    return n;
  }
  std::vector<Key> ReservedFor(int agent) const;
  // Whether agent a may take session k of queue q: a member qualified for its skills.
  bool Qualified(const Agent& a, const Key& k, std::uint32_t q) const;

  void Enqueue(const Key& k, std::uint32_t q, std::int64_t now);

  void Overflow(const Key& k, std::uint32_t from, routing::LeaveReason reason, std::int64_t now);

  void LeaveMessage(const Key& k, routing::LeaveReason reason) {
    events_.push_back({routing::RoutingEventType::kLeaveMessage, k.first, k.second, "", static_cast<int>(reason),
                       sessions_[k].messages});
    Erase(k);
  }

  void Assign(const Key& k, int agent, std::uint32_t q, std::int64_t now);

  void EndAssigned(const Key& k, routing::EndReason reason, std::int64_t now);

  void Erase(const Key& k) {
    idle_order_.erase(std::find(idle_order_.begin(), idle_order_.end(), k));
    enqueue_order_.erase(k);
    sessions_.erase(k);
  }

  // The first waiting session (in service order) among `queues` that some
  // eligible agent qualifies for goes to the best such agent of its queue,
  // until no such pair is left.
  void Dispatch(const std::vector<std::uint32_t>& queues, std::int64_t now);

  // The agent serves the sessions waiting for it first (first in service
  // order first), while it may; then its queues' waiting sessions.
  void ServeReserved(std::uint32_t agent, std::int64_t now);
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

  void Recompute(std::int64_t now);

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
