#include "engine/routing/tenant_router.h"

#include <algorithm>
#include <cassert>

#include "engine/routing/skill_match.h"

namespace routerd::routing {
namespace {

constexpr std::int64_t kNsPerSecond = 1'000'000'000;

// Empties `c` and frees its memory (clear() keeps the capacity).
template <typename Container>
void Release(Container& c) {
  Container().swap(c);
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
      initial_tenant_cap_(static_cast<std::uint32_t>(tenant.TenantCap())),
      initial_tenant_cap_runtime_(tenant.runtime_max_concurrent_sessions.has_value()),
      idle_timeout_ns_(static_cast<std::int64_t>(tenant.session_idle_timeout_seconds) * kNsPerSecond),
      policies_(&policies),
      ended_(options.ended_trace_limit, options.ended_trace_retention_ns) {
  not_ready_reasons_ = tenant.not_ready_reasons;
  // AgentSlot::not_ready_reason is one byte: 1 + index.
  assert(not_ready_reasons_.size() <= config::kMaxNotReadyReasons);
  for (const auto& ou : tenant.ous) ou_ids_.push_back(ou.id);
  initial_ous_.resize(tenant.ous.size());
  initial_ou_cap_runtime_.resize(tenant.ous.size());
  ou_retired_.resize(tenant.ous.size());
  for (std::size_t i = 0; i < tenant.ous.size(); ++i) {
    const auto& ou = tenant.ous[i];
    initial_ous_[i].parent = ou.parent.empty() ? kNone : IndexOf(ou_ids_, ou.parent);
    if (ou.max_concurrent_sessions) initial_ous_[i].cap = static_cast<std::uint32_t>(*ou.max_concurrent_sessions);
    initial_ou_cap_runtime_[i] = ou.runtime_cap;
    ou_retired_[i] = ou.retired;
  }

  for (const auto& q : tenant.skill_queues) AddQueue(q);
  // Keys once every queue has its index (overflow targets name queues).
  for (std::uint32_t q = 0; q < queue_count_; ++q) SetQueueKeys(q, tenant.skill_queues[q]);

  for (const auto& ch : tenant.channels) {
    channel_ids_.push_back(ch.id);
    channel_retired_.push_back(ch.retired);
    channel_queue_.push_back(FindQueue(ch.skill_queue).value_or(kNone));
    channel_priority_.push_back(ch.priority ? static_cast<std::uint8_t>(*ch.priority) : kNoPriority);
  }
  if (tenant.multimedia_access_mode == config::AccessMode::kPerChannelKind) BuildKinds(tenant);
  BuildLanes(tenant);
  BuildMemberships(tenant);
  Reset();
}

std::unique_ptr<TenantRouter::QueueState> TenantRouter::MakeQueue(const config::SkillQueueConfig& q,
                                                                  std::uint32_t lane) {
  auto state = std::make_unique<QueueState>(&sessions_);
  state->id = q.id;
  state->voice = q.media == config::QueueMedia::kVoice;
  state->base = lane;
  state->lanes.push_back(lane);
  // The rest of its keys: SetQueueKeys.
  state->policy = policies_->Find(q.strategy);
  assert(state->policy != nullptr && "configuration validation checks strategies");
  state->eligible.Configure(0, state->policy->PrimaryLimit());
  return state;
}

std::uint32_t TenantRouter::AddClassLane(std::uint32_t k, std::uint32_t queue) {
  QueueState& first = *queues_[queue];
  // Channels bring multimedia sessions only; no session of theirs waits in a voice queue.
  if (first.voice) return queue;
  auto state = std::make_unique<QueueState>(&sessions_);
  const auto lane = static_cast<std::uint32_t>(queues_.size());
  state->id = first.id;
  state->policy = first.policy;
  state->max_wait_ns = first.max_wait_ns;
  state->max_waiting = first.max_waiting;
  state->overflow_queue = first.overflow_queue;
  state->wrap_up_ns = first.wrap_up_ns;
  state->aging_ns = first.aging_ns;
  state->priority = first.priority;
  state->voice = first.voice;
  state->sticky_ns = first.sticky_ns;
  state->sticky_wait_ns = first.sticky_wait_ns;
  state->base = queue;
  state->eligible.Configure(0, first.policy->PrimaryLimit());
  first.lanes.push_back(lane);
  all_queues_.push_back(lane);
  lane_required_.push_back(MergeRequirements(lane_required_[queue], class_skills_[k]));
  lane_kind_.push_back(class_kinds_[k]);
  queues_.push_back(std::move(state));
  return lane;
}

void TenantRouter::BuildLanes(const config::TenantConfig& tenant) {
  // A class: the skills a channel requires and, in per-channel-kind access,
  // its kind (so that each of its lanes holds sessions of one kind); channels
  // requiring the same share one.
  channel_skill_class_.assign(tenant.channels.size(), 0);
  for (std::size_t c = 0; c < tenant.channels.size(); ++c) {
    channel_skill_class_[c] = ClassFor(per_kind() ? channel_kind_[c] : kNoKind, tenant.channels[c].required_skills);
  }
}

std::vector<std::pair<std::uint32_t, std::uint32_t>> TenantRouter::LanesFor(const config::AgentConfig& cfg) const {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> lanes;
  for (const auto& qid : cfg.skill_queues) {
    const std::optional<std::uint32_t> q = FindQueue(qid);
    assert(q && "configuration validation checks skill queues");
    for (std::uint32_t lane : queues_[*q]->lanes) {
      // An agent without the skills a lane requires is never offered its sessions.
      if (!Qualifies(cfg.skills, lane_required_[lane])) continue;
      lanes.emplace_back(lane, LevelSum(cfg.skills, lane_required_[lane]));
    }
  }
  return lanes;
}

void TenantRouter::BuildMemberships(const config::TenantConfig& tenant) {
  initial_agents_.resize(tenant.agents.size());
  agent_skills_.reserve(tenant.agents.size());
  std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> agent_lanes(tenant.agents.size());
  std::size_t memberships = 0;
  for (std::size_t i = 0; i < tenant.agents.size(); ++i) {
    employee_ids_.push_back(tenant.agents[i].employee_id);
    agent_skills_.push_back(tenant.agents[i].skills);
    agent_lanes[i] = LanesFor(tenant.agents[i]);
    memberships += agent_lanes[i].size();
  }
  membership_pool_.reserve(memberships);
  for (std::size_t i = 0; i < tenant.agents.size(); ++i) {
    const auto& cfg = tenant.agents[i];
    InitialAgent& a = initial_agents_[i];
    a.employee_id = employee_ids_[i];
    a.type = cfg.type;
    a.ou = IndexOf(ou_ids_, cfg.ou);
    if (cfg.max_concurrent_sessions) a.own_cap = static_cast<std::uint32_t>(*cfg.max_concurrent_sessions);
    a.own_cap_personal = a.own_cap && cfg.personal_cap;
    a.own_cap_runtime = cfg.runtime_cap;
    const std::size_t first = membership_pool_.size();
    for (const auto& [lane, level] : agent_lanes[i]) {
      QueueState& ls = *queues_[lane];
      membership_pool_.push_back({lane, static_cast<std::uint32_t>(ls.member_agent.size()), 0, ls.base, level});
      ls.member_agent.push_back(static_cast<std::uint32_t>(i));
    }
    a.memberships = std::span<Membership>(membership_pool_.data() + first, membership_pool_.size() - first);
    all_agents_.push_back(static_cast<std::uint32_t>(i));
  }
  for (auto& q : queues_) {
    q->eligible.Configure(static_cast<std::uint32_t>(q->member_agent.size()), q->policy->PrimaryLimit());
  }
  agent_by_employee_.reserve(initial_agents_.size());
  for (std::uint32_t i = 0; i < initial_agents_.size(); ++i) agent_by_employee_.emplace(employee_ids_[i], i);
}

TenantRouter::AgentSlot TenantRouter::FreshAgent(const InitialAgent& init) {
  // Every field that routing changes at its default; the rest as configured.
  AgentSlot a;
  a.type = init.type;
  a.ou = init.ou;
  a.own_cap = init.own_cap;
  a.own_cap_personal = init.own_cap_personal;
  a.own_cap_runtime = init.own_cap_runtime;
  a.retired = init.retired;
  a.memberships = init.memberships;
  a.employee_id = init.employee_id;
  return a;
}

void TenantRouter::Reset() {
  tenant_cap_ = initial_tenant_cap_;
  tenant_cap_runtime_ = initial_tenant_cap_runtime_;
  ous_ = initial_ous_;
  ou_cap_runtime_ = initial_ou_cap_runtime_;
  agents_.resize(initial_agents_.size());
  for (std::size_t i = 0; i < agents_.size(); ++i) agents_[i] = FreshAgent(initial_agents_[i]);
  kind_loads_.assign(agents_.size() * kind_count_, KindLoad{});
  for (std::uint32_t i = 0; i < agents_.size(); ++i) ResolveCaps(i);
  for (Membership& m : membership_pool_) m.last_served_seq = 0;
  for (auto& [agent, memberships] : changed_memberships_) {
    for (Membership& m : memberships) m.last_served_seq = 0;
  }
  for (auto& lane : queues_) lane->ClearRouting();

  // Swapped with empty ones rather than cleared, so that a tenant that moved
  // away gives its memory back.
  Release(sessions_);
  Release(free_slots_);
  by_key_ = SessionIndex();
  open_sessions_ = 0;
  next_session_seq_ = 1;
  next_arrival_seq_ = 1;
  idle_head_ = idle_tail_ = kNone;
  scratch_.clear();
  Release(wrap_up_deadlines_);
  live_wrap_ups_ = 0;
  next_wrap_up_seq_ = 1;
  Release(traced_hops_);
  ended_.Clear();
  Release(reservation_deadlines_);
  next_reservation_seq_ = 1;
  live_reservations_ = 0;
  last_agents_.Clear();
}

void TenantRouter::ApplyFileLimits(const config::TenantConfig& file) {
  idle_timeout_ns_ = static_cast<std::int64_t>(file.session_idle_timeout_seconds) * kNsPerSecond;
}

void TenantRouter::ReorderWaiting(std::uint32_t queue) {
  // Each waiting session takes its place by the priority in effect now, as a
  // priority set for it at run time does; its time in the queue goes on. No
  // dispatch is due: a lane with waiting sessions has no eligible agent.
  for (std::uint32_t slot = 0; slot < sessions_.size(); ++slot) {
    const SessionSlot& s = sessions_[slot];
    if (s.id == 0 || s.heap_slot == kNone || queues_[s.queue]->base != queue) continue;
    queues_[s.queue]->waiting.Update(s.heap_slot, WaitEntry{ServiceKey(s, s.queue), s.arrival_seq, slot});
  }
}

}  // namespace routerd::routing
