// TenantRouter: every piece of routing state of one tenant, and the rules that
// change it. A router shard owns several; nothing else touches them.
//
// DESIGN
// Sessions are keyed by (channel instance, customer id). A contact joins its
// open session, or opens one that the channel's called route puts in a skill
// queue. Each skill queue keeps
//   - its eligible agents (ready, below their effective cap, not voice) in
//     EligibleAgents, ordered by the queue's AssignmentPolicy rank, and
//   - its waiting sessions in an IndexedHeap ordered by service key (first
//     arrival minus priority times the queue's aging; FIFO without priorities), plus
//     a list in enqueue order whose head is the next to hit max_wait (enqueue
//     times only grow, so appending keeps it sorted).
// Skills split a queue into lanes: its first lane holds the sessions that
// need only the queue's required skills, and each distinct set of skills that
// channels require adds a lane for the sessions of those channels. A lane's
// agents are the queue's members that qualify for its skills, so within a
// lane any eligible agent may take any waiting session. A queue without
// channel requirements is one lane, and nothing below costs more for it.
// Internally every index named `queue` is a lane; lanes 0..queue_count()-1
// are the configured queues' first lanes, so a queue's index is its first
// lane's. Queue-wide things (statistics, round-robin turns, max_waiting) live
// on the first lane.
// A session may prefer one agent: the customer's last agent (a queue's
// sticky_seconds), one named by the contact, or one named by a transfer. If
// that agent may take it now, it does; if the agent is signed in but busy or
// not ready, the session is reserved for it (on the agent's list, not in its
// lane's heap) until the queue's sticky_wait_seconds pass, and the agent
// serves its reserved sessions before anything else when it frees up. Then,
// or at once when the agent is signed out or not qualified, any agent may.
// Invariant (checked by the model test after every step): no lane has both a
// waiting session (in its heap) and an eligible agent. Whenever either side grows, Dispatch()
// restores it by giving the oldest waiting session among the affected queues to
// the best-ranked eligible agent of its queue; when a single agent frees up this
// is exactly "the agent receives the oldest waiting session across all of its
// skill queues", since it is the only eligible agent of those queues.
// The session idle timeout uses one list per tenant in last-activity order
// (appending at "now" keeps it sorted), so expiry checks only its head.
// Per-channel-kind access (multimedia_access_mode = "per_channel_kind") counts
// an agent's sessions per channel kind, each kind against a cap of its own
// (resolved like the single cap: agent > OU > tenant, each level's cap for the
// kind before its cap for every kind). The channel's kind then joins its
// required skills in choosing the lane, so every lane a session waits in holds
// one kind, and an agent is eligible in it while it has room for that kind: the
// invariant above holds unchanged. A queue's first lane gets no session in this
// mode; an agent is eligible there while it has room for some kind, which keeps
// it the queue's count of agents that can take something. An agent holds at most
// kMaxCap units (sessions and after-contact work) in all.
// Every operation is O(log n) in the agents of a queue, or O(1); nothing scans.
// (With a policy that declares a PrimaryLimit, such as least_busy, the usual
// re-ranking of an agent is O(1) too: see eligible_agents.h.)
//
// Thread safety: none. Confined to its shard thread; tests call it directly
// with explicit times.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/base/append_only_array.h"
#include "engine/config/config.h"
#include "engine/routing/cap_resolver.h"
#include "engine/routing/eligible_agents.h"
#include "engine/routing/ended_traces.h"
#include "engine/routing/indexed_heap.h"
#include "engine/routing/last_agents.h"
#include "engine/routing/policy_registry.h"
#include "engine/routing/queue_statistics.h"
#include "engine/routing/routing_events.h"
#include "engine/routing/session_index.h"
#include "engine/routing/tenant_router_state.h"
#include "engine/routing/tenant_router_views.h"
#include "routerd/assignment_policy.h"
#include "routerd/contact.h"

namespace routerd::routing {

// Session ids: a per-tenant sequence number above the slot index, so that an id
// is never reused and finds its slot without a lookup table.
inline constexpr int kSessionSlotBits = 24;
inline constexpr std::uint32_t kMaxOpenSessions = 1u << kSessionSlotBits;

struct TenantRouterOptions {
  std::uint32_t session_history_limit = 200;
  // Emit kSessionOpened for each new session, kSessionQueued when a waiting
  // session moves to another queue and kMessageQueued for messages joining a
  // waiting session (the durable journal needs them to bring sessions back
  // after a restart; nothing else does).
  bool emit_session_opened = false;
  // Route traces of ended sessions kept per tenant, newest first, for at most
  // ended_trace_retention_ns (0 sessions: none kept).
  std::uint32_t ended_trace_limit = 10000;
  std::int64_t ended_trace_retention_ns = 7 * 86400 * 1'000'000'000LL;
};

class TenantRouter {
 public:
  TenantRouter(std::uint32_t index, const config::TenantConfig& tenant, const PolicyRegistry& policies,
               const TenantRouterOptions& options, std::vector<RoutingEvent>* events);
  TenantRouter(const TenantRouter&) = delete;
  TenantRouter& operator=(const TenantRouter&) = delete;

  // A customer message on channel `channel` (index in the tenant's channels).
  // `key_hash` = SessionKeyHash(channel, contact->customer_id), computed by the
  // producer thread so the shard thread does not hash strings.
  void OnContact(std::uint32_t channel, ContactPtr contact, std::uint64_t key_hash, std::int64_t now_ns);
  void OnContact(std::uint32_t channel, ContactPtr contact, std::int64_t now_ns) {
    const std::uint64_t hash = SessionKeyHash(channel, contact->customer_id);
    OnContact(channel, std::move(contact), hash, now_ns);
  }
  void OnCommand(const AgentCommand& command, std::int64_t now_ns);
  // The kCommandResult of `command` when it wants one (correlation != 0):
  // OnCommand's reply, also for a command refused without being applied.
  // `error` must be static storage (events carry it as a view).
  void ReplyToCommand(const AgentCommand& command, StatusCode code, std::string_view error);

  // ---- Restart recovery: on a fresh router, before any contact or command ----
  // A session that was open when the daemon stopped, with its original id,
  // arrival time and messages. A waiting one rejoins its queue in arrival
  // order (its max_wait counts from the original arrival). An assigned one goes
  // back to its agent, who is signed in and resting (not ready) until it
  // returns; if the agent may no longer hold it (cap lowered, agent or queue
  // changed), the session waits instead. Emits kAssigned for restored
  // assignments, so the agent is told again when it reconnects.
  struct RestoredSession {
    std::uint64_t id = 0;
    std::uint32_t channel = 0;
    std::uint32_t queue = 0;
    std::uint32_t agent = kNone;
    std::int64_t arrival_ns = 0;
    std::vector<ContactPtr> contacts;  // at least one, oldest first
  };
  // InvalidArgument when the id, channel, queue or agent is unusable or the id
  // is already open. Restore in arrival order.
  Status Restore(RestoredSession session, std::int64_t now_ns);
  // Ends recovery: new session ids start above `max_session_id` (the largest
  // id ever stored), and free slots become reusable.
  void FinishRestore(std::uint64_t max_session_id);

  // ---- Cluster mode: another instance routes the tenant now ----
  // Back to the state of a freshly constructed router, silently (no event):
  // no sessions, every agent signed out with its configured cap, no
  // after-contact work, reservations, remembered customers or route traces,
  // and the session id sequence from the start, so that Restore and
  // FinishRestore work as after a start. Two things other threads hold stay:
  // the model (ids, queues, lanes, memberships), so the string_views of
  // events emitted before stay valid, and the queues' statistics, which count
  // for the whole process and are read lock-free by the metrics threads.
  void Reset();

  // Applies max-wait overflow and the session idle timeout up to `now_ns`.
  void OnTick(std::int64_t now_ns);

  // ---- A reloaded configuration file ----
  // Gives every cap the value a restart with `file` would give it: the
  // tenant's, each OU's and each agent's, and their caps per channel kind.
  // A level whose cap was set or cleared at run time (the API, the agent's
  // own setting; stored, see daemon/stored_settings.h) keeps it, and gets the
  // file's when that is cleared. OUs and agents are matched by id: those the
  // file lacks or adds are structural changes, left as they are; so are the
  // caps per kind when the file changes the access mode. Agents whose
  // effective cap changes are told (kAgentState); a higher cap may assign
  // waiting sessions at once, a lower one takes nothing back.
  void ApplyFileCaps(const config::TenantConfig& file, std::int64_t now_ns);
  // The same for the limits of time and size that apply to what comes next:
  // each queue's max_wait_seconds (waiting sessions overflow by the new one
  // at the next tick), max_waiting (no waiting session is turned away),
  // wrap_up_seconds (for sessions closed from now on), sticky_seconds,
  // on_overflow (for sessions that overflow from now on) and priority (of
  // sessions that enter from now on), and the tenant's
  // session_idle_timeout_seconds. Queues the file adds or lacks
  // are left alone.
  void ApplyFileLimits(const config::TenantConfig& file);
  // Gives agent `agent` the OU, type, skill queues, skills and caps of `cfg`
  // (the same employee; a cap set at run time keeps winning), as a restart
  // would, without signing it out: its state and what it holds stay (assigned sessions and
  // after-contact work end as usual, in the queues they came from). Sessions
  // reserved for it (waiting for it in particular) in lanes it leaves go back
  // to their lanes for any agent. Then it is offered what waits in its
  // queues, if it may take something. Emits kAgentState when anything
  // changed. REQUIRES: the OU and the queues `cfg` names are the tenant's.
  void ApplyAgentConfig(std::uint32_t agent, const config::AgentConfig& cfg, std::int64_t now_ns);
  // An agent the file adds: signed out, with the OU, type, queues, skills and
  // caps of `cfg` (a cap set at run time: `cfg.runtime_cap`). It gets the next
  // index, or its old one if it was retired. Returns the index.
  // REQUIRES: no agent of the tenant has this employee id; its OU and queues are the tenant's.
  std::uint32_t AddAgent(const config::AgentConfig& cfg, std::int64_t now_ns);
  // An agent the file no longer has: signed out as if it signed out itself
  // (its sessions go back to their queues at their arrival time, its
  // after-contact work ends, sessions waiting for it go to any agent), out of
  // every lane, and unknown from then on: FindAgent does not find it, and a
  // command for it is answered NotFound. Its index stays reserved (events
  // already emitted name it; tables elsewhere are by index), and AddAgent
  // gives it back if the agent returns. Emits kAgentState (signed out).
  void RetireAgent(std::uint32_t agent, std::int64_t now_ns);
  bool AgentRetired(std::uint32_t agent) const { return agents_[agent].retired; }
  // The tenant's OUs become those of `tenant`, by position (positions are
  // the OUs' indices, as config/ou_changes.h keeps them), in two steps around
  // the agents' changes (ApplyAgentConfig), so that an agent always has an OU:
  // ApplyOus adds the OUs past the known ones and gives every OU that is not
  // retired its parent and configured caps (a cap set at run time keeps
  // winning), then resolves every agent's cap again (kAgentState for those
  // whose cap changed); RetireOus then makes the retired ones no OU (FindOu
  // does not find them; the index stays reserved, and comes back with the OU).
  // REQUIRES: `tenant`'s OUs extend the router's (same ids at the same
  // positions) and form a tree; for RetireOus, no agent is in a retired one.
  void ApplyOus(const config::TenantConfig& tenant, std::int64_t now_ns);
  void RetireOus(const config::TenantConfig& tenant);
  bool OuRetired(std::uint32_t ou) const { return ou_retired_[ou] != 0; }
  // The tenant's skill queues become those of `tenant`, by position (the
  // queues' indices, as config/queue_changes.h keeps them), in two steps
  // around the agents' changes, as for OUs. ApplyQueues adds the queues past
  // the known ones (each with a lane per class of channel skills, as at
  // construction; no agent is in them yet) and gives every queue that is not
  // retired the keys of its definition: its strategy, limits, priority and
  // aging (waiting sessions take their new places), service level, sticky
  // keys and required skills (agents join or leave its lanes by them; sessions
  // reserved for an agent that leaves go back to the lane). RetireQueues then
  // makes the retired ones no queue: FindQueue does not find them, and a
  // session still waiting in one leaves it at its max wait, by the queue's
  // on_overflow, as before; the index stays reserved and comes back with the
  // queue. REQUIRES: `tenant`'s queues extend the router's (same ids at the
  // same positions), each with its media, strategies the router knows, and no
  // agent listing a retired queue when RetireQueues runs.
  void ApplyQueues(const config::TenantConfig& tenant, std::int64_t now_ns);
  void RetireQueues(const config::TenantConfig& tenant);
  bool QueueRetired(std::uint32_t queue) const { return queue_retired_[queue] != 0; }
  // The tenant's channels become those of `tenant`, by position (the
  // channels' indices, as config/channel_changes.h keeps them): the channels
  // past the known ones are added, retired ones are no channel (FindChannel
  // does not find them; their open sessions end as usual), and each channel's
  // skill queue and priority apply to the sessions that arrive from now on
  // (the waiting take their places by the new priority), and the skills it
  // requires too (a new set gets its lanes in every queue, and agents join
  // them by their skills). Sessions already waiting stay in their lanes.
  // Between ApplyQueues and RetireQueues. REQUIRES: `tenant`'s channels
  // extend the router's; every channel's queue is one of the router's, not
  // retired, of multimedia media; in per-channel-kind access, its kind one of
  // the router's kinds.
  void ApplyChannels(const config::TenantConfig& tenant, std::int64_t now_ns);

  // ---- Read-only views (tests, admin queries on the shard thread; the view
  // types are in tenant_router_views.h) ----
  // The strategy that chose the agent of a trace.
  std::string_view TraceStrategy(const RouteTrace& t) const {
    return t.transferred ? std::string_view("transfer") : queues_[t.queue]->policy->Name();
  }
  // Every hop of session `session_id`, open or ended (kept as
  // TenantRouterOptions says), in order; nullopt when unknown.
  std::optional<std::vector<RouteHop>> RouteOf(std::uint64_t session_id) const;
  std::optional<EndedSessionView> EndedSession(std::uint64_t session_id) const;

  std::string_view id() const { return id_; }
  std::uint32_t agent_count() const { return static_cast<std::uint32_t>(agents_.size()); }
  std::uint32_t queue_count() const { return queue_count_; }
  std::uint32_t ou_count() const { return static_cast<std::uint32_t>(ous_.size()); }
  // The caps the tenant and an OU set now: configured, or changed at run time
  // (an OU's nullopt: none).
  std::uint32_t TenantCapSetting() const { return tenant_cap_; }
  std::optional<std::uint32_t> OuCapSetting(std::uint32_t ou) const { return ous_[ou].cap; }
  // The limits in effect (the configuration's, or a reloaded file's).
  std::int64_t IdleTimeoutNs() const { return idle_timeout_ns_; }
  std::int64_t QueueMaxWaitNs(std::uint32_t queue) const { return queues_[queue]->max_wait_ns; }
  std::uint32_t QueueMaxWaiting(std::uint32_t queue) const { return queues_[queue]->max_waiting; }
  std::int64_t QueueWrapUpNs(std::uint32_t queue) const { return queues_[queue]->wrap_up_ns; }
  std::int64_t QueueStickyNs(std::uint32_t queue) const { return queues_[queue]->sticky_ns; }
  // The tenant cap of the configuration file (what clearing a run-time one gives back).
  std::uint32_t ConfiguredTenantCap() const { return configured_tenant_cap_; }
  // Per-channel-kind access: the caps the tenant, an OU and an agent set for
  // one kind (nullopt: none; by kind index, see KindName).
  std::optional<std::uint32_t> TenantKindCap(std::uint32_t kind) const {
    return KindCapSetting(tenant_kind_caps_[kind]);
  }
  std::optional<std::uint32_t> OuKindCap(std::uint32_t ou, std::uint32_t kind) const {
    return KindCapSetting(ou_kind_caps_[std::size_t{ou} * kind_count_ + kind]);
  }
  std::optional<std::uint32_t> AgentKindCap(std::uint32_t agent, std::uint32_t kind) const {
    return KindCapSetting(agent_kind_caps_[std::size_t{agent} * kind_count_ + kind]);
  }
  // Per-channel-kind access: the channel kinds of the tenant's channels,
  // sorted (0 in unified access), and the kind of each channel.
  std::uint32_t kind_count() const { return kind_count_; }
  std::string_view KindName(std::uint32_t kind) const { return kind_names_[kind]; }
  std::uint32_t ChannelKind(std::uint32_t channel) const { return channel_kind_[channel]; }
  std::uint32_t open_sessions() const { return open_sessions_; }
  AgentView Agent(std::uint32_t agent) const;
  std::optional<SessionView> Session(std::uint64_t session_id) const;
  SessionView SessionAtSlot(std::uint32_t slot) const;
  std::uint64_t SessionIdAtSlot(std::uint32_t slot) const { return sessions_[slot].id; }
  std::string_view QueueId(std::uint32_t queue) const { return queues_[queue]->id; }
  std::string_view OuId(std::uint32_t ou) const { return ou < ou_ids_.size() ? ou_ids_[ou] : std::string_view(); }
  std::optional<std::uint32_t> FindQueue(std::string_view queue_id) const {
    for (std::uint32_t q = 0; q < queue_count_; ++q) {
      if (queues_[q]->id == queue_id && !queue_retired_[q]) return q;
    }
    return std::nullopt;
  }
  bool QueueIsVoice(std::uint32_t queue) const { return queues_[queue]->voice; }
  // The skills the queue itself requires (channels may add theirs).
  const config::SkillLevels& QueueRequiredSkills(std::uint32_t queue) const { return lane_required_[queue]; }
  // Readable from any thread while the router runs (see QueueStatistics),
  // also during Reset(), which neither moves nor clears them, and while
  // ApplyQueues adds queues: REQUIRES queue < the number of queues the
  // reader's configuration has, published after ApplyQueues ran.
  const QueueStatistics& Statistics(std::uint32_t queue) const { return *queue_stats_[queue]; }
  // Calls fn(agent index) for each agent of a lane, in no particular order.
  template <typename Fn>
  void ForEachQueueMember(std::uint32_t queue, Fn&& fn) const {
    for (std::uint32_t agent : queues_[queue]->member_agent) {
      if (agent != kNone) fn(agent);
    }
  }
  QueueStats Queue(std::uint32_t queue) const;
  // The first `limit` waiting sessions of a queue in service order.
  // O(n log limit).
  std::vector<std::uint64_t> WaitingInOrder(std::uint32_t queue, std::size_t limit = SIZE_MAX) const;
  // Calls fn(SessionView) for every open session, in no particular order.
  template <typename Fn>
  void ForEachSession(Fn&& fn) const {
    for (std::uint32_t slot = 0; slot < sessions_.size(); ++slot) {
      if (sessions_[slot].id != 0) fn(SessionAtSlot(slot));
    }
  }
  std::optional<std::uint32_t> FindAgent(std::string_view employee_id) const;
  std::optional<std::uint32_t> FindOu(std::string_view ou_id) const;
  std::optional<std::uint32_t> FindChannel(std::string_view channel_id) const;

 private:
  // The building blocks of the state (tenant_router_state.h).
  using WaitEntry = router_state::WaitEntry;
  using WaitLess = router_state::WaitLess;
  using SessionSlot = router_state::SessionSlot;
  using WaitMove = router_state::WaitMove;
  using QueueState = router_state::QueueState;
  using Membership = router_state::Membership;
  using SessionList = router_state::SessionList;
  using AgentSlot = router_state::AgentSlot;
  using WrapUpDeadline = router_state::WrapUpDeadline;

  // The position of `id` in `ids`, else kNone.
  template <typename Ids>
  static std::uint32_t IndexOf(const Ids& ids, std::string_view id) {
    auto it = std::find(ids.begin(), ids.end(), id);
    return it == ids.end() ? kNone : static_cast<std::uint32_t>(it - ids.begin());
  }

  // Sessions
  static constexpr std::uint8_t kNoPriority = router_state::kNoPriority;
  // The priority of session `slot` in `queue`: set at run time, else its
  // channel's, else the queue's.
  std::uint8_t PriorityIn(const SessionSlot& s, std::uint32_t queue) const {
    if (s.priority_override != kNoPriority) return s.priority_override;
    const std::uint8_t channel = channel_priority_[s.channel];
    return channel != kNoPriority ? channel : queues_[queue]->priority;
  }
  // Where a waiting session of `queue` stands: earlier first. Priority p
  // counts as having arrived p agings earlier, so priorities are served first
  // and a lower one overtakes them once it has waited that much longer.
  std::int64_t ServiceKey(const SessionSlot& s, std::uint32_t queue) const {
    return s.arrival_ns - static_cast<std::int64_t>(PriorityIn(s, queue)) * queues_[queue]->aging_ns;
  }
  // The lane of `queue` for sessions of `channel`.
  std::uint32_t LaneFor(std::uint32_t queue, std::uint32_t channel) const {
    const std::uint32_t skill_class = channel_skill_class_[channel];
    return skill_class == 0 ? queue : class_lanes_[(skill_class - 1) * queue_count_ + queue];
  }
  QueueState& BaseOf(std::uint32_t lane) { return *queues_[queues_[lane]->base]; }
  // Gives the waiting sessions of every lane of `queue` their service key
  // again (the queue's priority changed).
  void ReorderWaiting(std::uint32_t queue);
  // Sessions in the heaps of the lanes of the queue whose first lane is
  // `base` (its reserved sessions are counted in base.reserved).
  std::uint32_t WaitingInHeaps(const QueueState& base) const;
  void AppendToDeadlineList(std::uint32_t slot, QueueState& base);
  // Setup: the skill lanes of each queue and the skills each requires; then
  // the agents' memberships in the lanes they qualify for.
  void BuildLanes(const config::TenantConfig& tenant);
  // The first lane of queue `q`, at index `lane`, with its id, media and
  // strategy (SetQueueKeys sets the rest).
  std::unique_ptr<QueueState> MakeQueue(const config::SkillQueueConfig& q, std::uint32_t lane);
  // The lane of class `k` (0-based) for queue `queue`, a copy of its first
  // lane, appended; the first lane itself for a voice queue.
  std::uint32_t AddClassLane(std::uint32_t k, std::uint32_t queue);
  // Queue `q` of the configuration, at index queue_count_ (tenant_router_queue_config.cc).
  void AddQueue(const config::SkillQueueConfig& q);
  // Gives every lane of `queue` the keys of `q`; whether its strategy changed.
  bool SetQueueKeys(std::uint32_t queue, const config::SkillQueueConfig& q);
  // The class (0-based) of skill lane `lane`.
  std::uint32_t ClassOfLane(std::uint32_t lane) const;
  // Sessions reserved for `agent` (waiting for it in particular) in lanes it
  // is no longer a member of go back to their lanes for any agent.
  void ReleaseReservationsOutsideLanes(std::uint32_t agent, std::int64_t now_ns);
  // Every agent of `tenant` the router has (not retired) joins and leaves
  // lanes by the lanes' requirements now; the agents whose lanes changed.
  std::vector<std::uint32_t> RejoinLanes(const config::TenantConfig& tenant, std::int64_t now_ns);
  // The class (1-based; 0: none) of a channel of `kind` requiring `skills`,
  // added with its lanes in every queue if it is new.
  std::uint32_t ClassFor(std::uint8_t kind, const config::SkillLevels& skills);
  void BuildMemberships(const config::TenantConfig& tenant);
  // An agent's place in each lane its queues and skills qualify it for: (lane, skill level).
  std::vector<std::pair<std::uint32_t, std::uint32_t>> LanesFor(const config::AgentConfig& cfg) const;
  // The agent's memberships become `lanes` (LanesFor); false if they were already.
  bool ReplaceMemberships(std::uint32_t agent, const std::vector<std::pair<std::uint32_t, std::uint32_t>>& lanes);
  std::uint32_t AllocateSlot();
  void FreeSlot(std::uint32_t slot);
  void EnqueueSession(std::uint32_t slot, std::uint32_t queue, std::int64_t now_ns);
  void RemoveFromWaiting(std::uint32_t slot);
  void Overflow(std::uint32_t slot, std::uint32_t from_queue, LeaveReason reason, std::int64_t now_ns);
  // kSessionQueued (with emit_session_opened): the session moves to `queue`.
  void AnnounceQueue(std::uint32_t slot, std::uint32_t queue);
  void BecomeLeaveMessage(std::uint32_t slot, LeaveReason reason, std::int64_t now_ns);
  // `transferred`: a transfer to this agent, not the queue's policy.
  void Assign(std::uint32_t slot, std::uint32_t agent, std::uint32_t queue, std::int64_t now_ns,
              bool transferred = false);
  // Takes the session from its agent. An agent that was at its cap and is now
  // below it starts a new idle stretch (longest_idle ranks by it).
  void DetachFromAgent(std::uint32_t slot, std::int64_t now_ns);
  void PrefetchTopAgent(const QueueState& qs);
  // A closed or timed-out session; its queue's after-contact work, if any,
  // keeps the agent's unit of capacity taken.
  void EndAssigned(std::uint32_t slot, EndReason reason, std::int64_t now_ns);
  void IdleListAppend(std::uint32_t slot);
  void IdleListRemove(std::uint32_t slot);

  // Agents
  // Capacity (tenant_router_capacity.cc). In unified access an agent's units
  // count against its one cap; in per-channel-kind access those of each kind
  // against the kind's cap (and all of them against kMaxCap).
  static constexpr std::uint8_t kNoKind = 0xFF;
  bool per_kind() const { return kind_count_ != 0; }
  KindLoad* KindsOf(std::uint32_t agent) { return kind_loads_.data() + std::size_t{agent} * kind_count_; }
  const KindLoad* KindsOf(std::uint32_t agent) const {
    return kind_loads_.data() + std::size_t{agent} * kind_count_;
  }
  // Whether `agent` has room for one more session of lane `lane`: below its
  // cap, or below its cap for the lane's kind (a first lane: for any kind).
  bool HasRoom(std::uint32_t agent, std::uint32_t lane) const {
    if (per_kind()) return HasRoomOfKind(agent, lane);
    const AgentSlot& a = agents_[agent];
    return a.Load() < a.cap.cap;
  }
  bool HasRoomOfKind(std::uint32_t agent, std::uint32_t lane) const;
  // Reindex in per-channel-kind access: each lane by the room for its kind.
  void ReindexByKind(std::uint32_t agent);
  // Ready, routed multimedia sessions, and with room in `lane`.
  bool MayTake(std::uint32_t agent, std::uint32_t lane) const {
    const AgentSlot& a = agents_[agent];
    return a.state == AgentState::kReady && a.type != config::AgentType::kVoice && HasRoom(agent, lane);
  }
  // The cap a session of lane `lane` counts against, for traces and events.
  const EffectiveCap& CapIn(std::uint32_t agent, std::uint32_t lane) const {
    const std::uint8_t kind = per_kind() ? lane_kind_[lane] : kNoKind;
    return kind == kNoKind ? agents_[agent].cap : KindsOf(agent)[kind].cap;
  }
  // One bit per cap the agent is at: bit 0 in unified access, bit k for kind k.
  std::uint64_t FullMask(std::uint32_t agent) const {
    if (per_kind()) return FullMaskByKind(agent);
    const AgentSlot& a = agents_[agent];
    return a.Load() >= a.cap.cap ? 1 : 0;
  }
  std::uint64_t FullMaskByKind(std::uint32_t agent) const;
  // Per-channel-kind access: the kinds and the caps each level sets for them.
  void BuildKinds(const config::TenantConfig& tenant);
  // A unit of `kind` taken (+1) or given back (-1); nothing in unified access.
  void CountKindUnit(std::uint32_t agent, std::uint8_t kind, int delta) {
    if (per_kind()) KindsOf(agent)[kind].load += static_cast<std::uint32_t>(delta);
  }
  std::uint8_t KindOfChannel(std::uint32_t channel) const { return per_kind() ? channel_kind_[channel] : 0; }
  // A cap of the per-kind tables: 0 there means none.
  static std::optional<std::uint32_t> KindCapSetting(std::uint8_t cap) {
    return cap == 0 ? std::nullopt : std::optional<std::uint32_t>(cap);
  }
  // The caps `cfg` configures for the agent (its own, unless one was set at
  // run time; with `kinds`, its caps per channel kind), not yet resolved.
  void SetConfiguredAgentCaps(std::uint32_t agent, const config::AgentConfig& cfg, bool kinds);
  // The same for an OU.
  void SetConfiguredOuCaps(std::uint32_t ou, const config::OuConfig& cfg, bool kinds);
  // One level's row of the per-kind tables (kind_count_ entries) from `caps`.
  void FillKindCaps(const config::KindCaps& caps, std::uint8_t* level) const;
  // The agent's caps from the caps in effect at each level, kinds included;
  // whether any changed.
  bool ResolveCaps(std::uint32_t agent);
  void Reindex(std::uint32_t agent);
  void Dispatch(std::span<const std::uint32_t> queues, std::int64_t now_ns);
  void DispatchAgentQueues(std::uint32_t agent, std::int64_t now_ns);
  void DispatchAll(std::int64_t now_ns);
  void RecomputeCaps(std::span<const std::uint32_t> agents, std::int64_t now_ns);
  void SignOut(std::uint32_t agent, std::int64_t now_ns);
  // Called after anything that lowers an agent's load or raises a cap of it:
  // `full_before` is its FullMask before. An agent that was at a cap and is
  // below it now starts a new idle stretch.
  void NoteFreedCapacity(std::uint32_t agent, std::uint64_t full_before, std::int64_t now_ns) {
    if ((full_before & ~FullMask(agent)) != 0) agents_[agent].idle_since_ns = now_ns;
  }

  // Preferred agents (tenant_router_preference.cc)
  // A new session's preferred agent: the one its contact names, else the
  // customer's last agent within the queue's sticky_seconds.
  void ChoosePreference(SessionSlot& s, const Contact& contact, std::uint32_t lane, std::int64_t now_ns);
  // Places a session with a pending preference; false when the preference
  // turned out unavailable and the session is to be queued as any other.
  bool EnqueuePreferring(std::uint32_t slot, std::int64_t now_ns);
  void ReleaseReservation(std::uint32_t slot);
  // The agent's reserved sessions, first in service order first, while it may take them.
  void ServeReserved(std::uint32_t agent, std::int64_t now_ns);
  // Reserved sessions go to their lanes' heaps: the wait is over, or the agent signed out.
  void ExpireReservations(std::int64_t now_ns);
  void ReleaseReservationsOf(std::uint32_t agent, std::int64_t now_ns);
  // These reserved sessions go back to their lanes' heaps for any agent,
  // first in service order first.
  void ReleaseReservations(std::vector<std::uint32_t> slots, std::int64_t now_ns);
  // `slots` in the order their queues serve them: first served first.
  void SortInServiceOrder(std::vector<std::uint32_t>& slots) const;
  void StopWaitingFor(std::uint32_t slot, PreferenceOutcome outcome, std::int64_t now_ns);

  // Route traces (tenant_router_trace.cc). A session that only arrives, is
  // assigned once and ends keeps no hops: its arrival and its RouteTrace say
  // it all. Anything else (an overflow, a transfer, a requeue, a wait for a
  // preferred agent) writes its hops out, from then on, into traced_hops_.
  void NoteHop(std::uint32_t slot, RouteHop hop);
  std::vector<RouteHop>& TraceOf(std::uint32_t slot);
  std::vector<RouteHop> HopsOfOpen(const SessionSlot& s, std::uint32_t slot) const;
  // The session leaves the router: its trace goes to the ended ones.
  void KeepEndedTrace(std::uint32_t slot, RouteHop last, std::int64_t now_ns);

  // After-contact work (tenant_router_wrap_up.cc)
  void StartWrapUp(std::uint32_t agent, std::uint64_t session_id, std::uint32_t queue, std::uint8_t kind,
                   std::int64_t now_ns);
  // Ends the agent's work for `session_id` (0: all); false if it had none.
  bool EndWrapUps(std::uint32_t agent, std::uint64_t session_id, std::int64_t now_ns);
  void ExpireWrapUps(std::int64_t now_ns);
  // Command errors are static strings so events can carry them without allocating.
  struct CommandResult {
    StatusCode code = StatusCode::kOk;
    std::string_view error;
  };
  CommandResult CloseSession(std::uint32_t agent, std::uint64_t session_id, std::int64_t now_ns);
  CommandResult Transfer(const AgentCommand& command, std::int64_t now_ns);
  // A waiting session moves to its new place at once; an assigned one keeps
  // the priority for when it waits again.
  CommandResult SetPriority(const AgentCommand& command);
  // The slot of an assigned session held by `agent` (any agent for kAnyAgent), else kNone.
  std::uint32_t AssignedSlot(std::uint32_t agent, std::uint64_t session_id) const;
  CommandResult ApplyCommand(const AgentCommand& command, std::int64_t now_ns);

  // Events
  RoutingEvent& Emit(RoutingEventType type);
  // kSessionEnded for session `s` leaving `agent`; the caller adds the
  // agent's load once the session is detached.
  RoutingEvent& EmitSessionEnded(const SessionSlot& s, std::uint32_t agent, EndReason reason);
  void EmitAgentState(std::uint32_t agent);

  const std::uint32_t index_;
  const std::string id_;
  const TenantRouterOptions options_;
  std::vector<RoutingEvent>* const events_;
  std::vector<std::string> not_ready_reasons_;  // AgentCommand::reason - 1 indexes it
  std::uint32_t configured_tenant_cap_;  // the file's: what kSetTenantCap without a cap restores
  std::uint32_t initial_tenant_cap_;     // the tenant cap in effect at construction
  bool initial_tenant_cap_runtime_;      // ... and whether it was set at run time
  std::int64_t idle_timeout_ns_;
  // What Reset() builds the run-time caps and agents from: the configuration
  // at construction (commands change caps at run time).
  std::vector<OuNode> initial_ous_;
  std::vector<std::uint8_t> initial_ou_cap_runtime_;  // by OU: its cap was set or cleared at run time
  struct InitialAgent {
    config::AgentType type = config::AgentType::kMultimedia;
    std::uint32_t ou = kNone;
    std::optional<std::uint32_t> own_cap;
    bool own_cap_personal = false;
    bool own_cap_runtime = false;
    bool retired = false;
    std::span<Membership> memberships;  // into membership_pool_ or changed_memberships_
    std::string_view employee_id;       // into employee_ids_
  };
  std::vector<InitialAgent> initial_agents_;
  // A signed-out agent as `init` configures it.
  static AgentSlot FreshAgent(const InitialAgent& init);

  // Reset() (tenant_router_setup.cc) gives the routing state its initial
  // value: tenant_cap_, ous_, agents_, the memberships' last_served_seq, each
  // lane's ClearRouting() part, and every field from sessions_ on. The rest
  // is the model, built once. New routing state must be reset there too.
  std::uint32_t tenant_cap_ = 0;
  bool tenant_cap_runtime_ = false;  // tenant_cap_ was set at run time, not the file's
  std::vector<OuNode> ous_;
  std::vector<std::uint8_t> ou_cap_runtime_;  // by OU, as initial_ou_cap_runtime_
  // By OU; a deque, so that the views into it (events' cap_origin_ou) stay
  // valid when ApplyOus appends.
  std::deque<std::string> ou_ids_;
  std::vector<std::uint8_t> ou_retired_;  // by OU: removed at run time
  std::vector<AgentSlot> agents_;
  // By agent; a deque, so that the views into it (events, agent_by_employee_)
  // stay valid when AddAgent appends.
  std::deque<std::string> employee_ids_;
  std::vector<Membership> membership_pool_;  // never resized after construction
  // The memberships of agents whose lanes changed since construction
  // (ApplyAgentConfig), by agent: a node's vector stays where it is.
  std::unordered_map<std::uint32_t, std::vector<Membership>> changed_memberships_;
  const PolicyRegistry* policies_;
  std::vector<std::unique_ptr<QueueState>> queues_;  // lanes; the first queue_count_ are the queues
  std::uint32_t queue_count_ = 0;
  std::vector<std::uint8_t> queue_retired_;  // by queue: removed at run time
  // By queue, for readers on other threads (Statistics): a QueueState never
  // moves, but queues_ grows when a queue is added.
  base::AppendOnlyArray<const QueueStatistics*> queue_stats_;
  // The classes of channel requirements (BuildLanes): each one's kind
  // (kNoKind in unified access) and required skills; a lane of class k of
  // every queue.
  std::vector<std::uint8_t> class_kinds_;
  std::vector<config::SkillLevels> class_skills_;
  // channel -> 0, or 1 + its set of required skills (channels requiring the
  // same skills share one).
  std::vector<std::uint32_t> channel_skill_class_;
  std::vector<std::uint32_t> class_lanes_;  // (class - 1) * queue_count_ + queue -> lane
  std::vector<config::SkillLevels> lane_required_;  // lane -> the skills it requires
  std::vector<config::SkillLevels> agent_skills_;   // for views only
  std::vector<std::uint32_t> all_queues_;
  std::vector<std::uint32_t> all_agents_;
  std::vector<std::uint32_t> channel_queue_;  // channel -> skill queue
  std::vector<std::uint8_t> channel_priority_;  // channel -> priority, kNoPriority = the queue's
  std::vector<std::string> channel_ids_;
  std::vector<std::uint8_t> channel_retired_;  // by channel: removed at run time
  // Per-channel-kind access (kind_count_ == 0: unified). Caps of the model are
  // 0 where a level sets none for a kind.
  std::uint32_t kind_count_ = 0;
  std::vector<std::string> kind_names_;
  std::vector<std::uint8_t> channel_kind_;      // channel -> kind
  std::vector<std::uint8_t> lane_kind_;         // lane -> kind; kNoKind for first lanes
  std::vector<std::uint8_t> agent_kind_caps_;   // agent * kind_count_ + kind
  std::vector<std::uint8_t> ou_kind_caps_;      // ou * kind_count_ + kind
  std::vector<std::uint8_t> tenant_kind_caps_;  // kind
  std::vector<KindLoad> kind_loads_;            // agent * kind_count_ + kind; routing state
  std::int64_t max_sticky_ns_ = 0;  // the longest sticky_seconds of the tenant's queues
  std::unordered_map<std::string_view, std::uint32_t> agent_by_employee_;  // keys into employee_ids_

  std::vector<SessionSlot> sessions_;
  std::vector<std::uint32_t> free_slots_;
  SessionIndex by_key_;
  std::uint32_t open_sessions_ = 0;
  std::uint64_t next_session_seq_ = 1;
  std::uint64_t next_arrival_seq_ = 1;
  std::uint32_t idle_head_ = kNone, idle_tail_ = kNone;
  std::vector<std::uint32_t> scratch_;
  std::uint32_t prefetched_agent_ = kNone;  // a hint only (PrefetchTopAgent): any agent index is safe
  std::vector<WrapUpDeadline> wrap_up_deadlines_;  // heap, std::greater
  std::uint32_t live_wrap_ups_ = 0;
  std::uint64_t next_wrap_up_seq_ = 1;

  // Route traces
  std::unordered_map<std::uint32_t, std::vector<RouteHop>> traced_hops_;  // slot -> hops, traced sessions only
  EndedTraces ended_;

  // Preferred agents
  struct ReservationDeadline {
    std::int64_t until_ns;
    std::uint64_t seq;
    std::uint64_t session_id;  // stale when the slot holds another session or is no longer reserved
    std::uint32_t slot;
    friend bool operator>(const ReservationDeadline& a, const ReservationDeadline& b) {
      return a.until_ns != b.until_ns ? a.until_ns > b.until_ns : a.seq > b.seq;
    }
  };
  std::vector<ReservationDeadline> reservation_deadlines_;  // heap, std::greater
  std::uint64_t next_reservation_seq_ = 1;
  std::uint32_t live_reservations_ = 0;
  LastAgents last_agents_;  // for queues with sticky_seconds
};

}  // namespace routerd::routing
