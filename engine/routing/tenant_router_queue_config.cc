// Skill queues added, changed or removed while the router runs (a reload or
// the provisioning API), and channels given other routing keys (a reload):
// tenant_router.h, ApplyQueues and ApplyChannels.
//
// Lanes are laid out so that a queue's index is its first lane's: lanes
// 0..queue_count_-1 are the queues' first lanes, the skill lanes follow. An
// added queue's first lane therefore goes in at index queue_count_, and every
// lane from there on moves up by one, in every table that holds a lane index:
// that is AddQueue's renumbering. Queue indices (overflow targets, channels'
// queues, after-contact work, route traces) stay as they are.
#include <algorithm>
#include <cassert>

#include "engine/routing/skill_match.h"
#include "engine/routing/tenant_router.h"

namespace routerd::routing {
namespace {

constexpr std::int64_t kOneSecondNs = 1'000'000'000;

}  // namespace

void TenantRouter::AddQueue(const config::SkillQueueConfig& q) {
  const std::uint32_t at = queue_count_;
  const auto moved = [at](std::uint32_t lane) { return lane != kNone && lane >= at ? lane + 1 : lane; };
  for (auto& lane : queues_) {
    lane->base = moved(lane->base);
    for (std::uint32_t& l : lane->lanes) l = moved(l);
  }
  for (SessionSlot& s : sessions_) {
    if (s.id != 0) s.queue = moved(s.queue);
  }
  const auto renumber = [&moved](std::span<Membership> memberships) {
    for (Membership& m : memberships) {
      m.queue = moved(m.queue);
      m.base = moved(m.base);
    }
  };
  renumber(membership_pool_);
  for (auto& [agent, memberships] : changed_memberships_) renumber(memberships);
  for (std::uint32_t& lane : all_queues_) lane = moved(lane);
  // class_lanes_ is by (class, queue): one more queue per class.
  std::vector<std::uint32_t> class_lanes(class_kinds_.size() * (at + 1), kNone);
  for (std::size_t k = 0; k < class_kinds_.size(); ++k) {
    for (std::uint32_t queue = 0; queue < at; ++queue) {
      class_lanes[k * (at + 1) + queue] = moved(class_lanes_[k * at + queue]);
    }
  }
  class_lanes_ = std::move(class_lanes);

  queues_.insert(queues_.begin() + at, MakeQueue(q, at));
  lane_required_.insert(lane_required_.begin() + at, q.required_skills);
  lane_kind_.insert(lane_kind_.begin() + at, kNoKind);
  all_queues_.push_back(at);
  queue_retired_.push_back(q.retired);
  const QueueStatistics* stats = &queues_[at]->stats;
  queue_stats_.Append([stats](const QueueStatistics*& slot) { slot = stats; });
  queue_count_ = at + 1;
  for (std::uint32_t k = 0; k < class_kinds_.size(); ++k) class_lanes_[k * queue_count_ + at] = AddClassLane(k, at);
}

bool TenantRouter::SetQueueKeys(std::uint32_t queue, const config::SkillQueueConfig& q) {
  QueueState& first = *queues_[queue];
  assert(first.id == q.id && first.voice == (q.media == config::QueueMedia::kVoice));
  const AssignmentPolicy* policy = policies_->Find(q.strategy);
  assert(policy != nullptr && "configuration validation checks strategies");
  std::uint32_t overflow = kNone;
  if (q.on_overflow.kind == config::OverflowTarget::Kind::kQueue) {
    overflow = FindQueue(q.on_overflow.queue_id).value_or(first.overflow_queue);
  }
  const std::int64_t aging_ns = static_cast<std::int64_t>(q.priority_aging_seconds) * kOneSecondNs;
  const bool reordered = first.priority != static_cast<std::uint8_t>(q.priority) || first.aging_ns != aging_ns;
  const bool restrategized = first.policy != policy;
  // Every lane of the queue holds a copy.
  for (std::uint32_t lane : first.lanes) {
    QueueState& qs = *queues_[lane];
    qs.policy = policy;
    qs.max_wait_ns = static_cast<std::int64_t>(q.max_wait_seconds) * kOneSecondNs;
    qs.max_waiting = static_cast<std::uint32_t>(q.max_waiting);
    qs.overflow_queue = overflow;
    qs.wrap_up_ns = static_cast<std::int64_t>(q.wrap_up_seconds) * kOneSecondNs;
    qs.aging_ns = aging_ns;
    qs.priority = static_cast<std::uint8_t>(q.priority);
    qs.sticky_ns = static_cast<std::int64_t>(q.sticky_seconds) * kOneSecondNs;
    qs.sticky_wait_ns = static_cast<std::int64_t>(q.sticky_wait_seconds) * kOneSecondNs;
    // Ranks are the policy's: the index starts again, and its members are
    // ranked anew (ApplyQueues).
    if (restrategized) qs.eligible.Configure(static_cast<std::uint32_t>(qs.member_agent.size()), policy->PrimaryLimit());
  }
  // ApplyQueues recomputes it whole when a queue's window shrinks.
  max_sticky_ns_ = std::max(max_sticky_ns_, first.sticky_ns);
  first.stats.service_level_ms.store(static_cast<std::int64_t>(q.service_level_seconds) * 1000,
                                     std::memory_order_relaxed);
  // Waiting sessions take their places by the priority and aging in effect
  // now, as a priority set at run time does; their time waited goes on.
  if (reordered) ReorderWaiting(queue);
  return restrategized;
}

void TenantRouter::ApplyQueues(const config::TenantConfig& tenant, std::int64_t now_ns) {
  assert(tenant.skill_queues.size() >= queue_count_);
  for (std::size_t i = queue_count_; i < tenant.skill_queues.size(); ++i) AddQueue(tenant.skill_queues[i]);
  std::vector<std::uint32_t> reranked;  // queues whose members rank anew
  bool requirements_changed = false;
  for (std::uint32_t q = 0; q < queue_count_; ++q) {
    const config::SkillQueueConfig& cfg = tenant.skill_queues[q];
    if (cfg.retired) continue;  // RetireQueues, once its agents have left
    queue_retired_[q] = 0;
    if (SetQueueKeys(q, cfg)) reranked.push_back(q);
    QueueState& first = *queues_[q];
    if (lane_required_[q] != cfg.required_skills) {
      requirements_changed = true;
      lane_required_[q] = cfg.required_skills;
      for (std::size_t i = 1; i < first.lanes.size(); ++i) {
        const std::uint32_t lane = first.lanes[i];
        lane_required_[lane] = MergeRequirements(cfg.required_skills, class_skills_[ClassOfLane(lane)]);
      }
    }
  }
  max_sticky_ns_ = 0;
  for (std::uint32_t q = 0; q < queue_count_; ++q) max_sticky_ns_ = std::max(max_sticky_ns_, queues_[q]->sticky_ns);

  std::vector<std::uint32_t> touched;  // agents to rank again and offer work
  for (std::uint32_t q : reranked) {
    for (std::uint32_t lane : queues_[q]->lanes) {
      for (std::uint32_t agent : queues_[lane]->member_agent) {
        if (agent != kNone) touched.push_back(agent);
      }
    }
  }
  if (requirements_changed) {
    const std::vector<std::uint32_t> moved = RejoinLanes(tenant, now_ns);
    touched.insert(touched.end(), moved.begin(), moved.end());
  }
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (std::uint32_t agent : touched) Reindex(agent);
  for (std::uint32_t agent : touched) DispatchAgentQueues(agent, now_ns);
}

void TenantRouter::RetireQueues(const config::TenantConfig& tenant) {
  for (std::uint32_t q = 0; q < tenant.skill_queues.size() && q < queue_count_; ++q) {
    if (!tenant.skill_queues[q].retired || queue_retired_[q]) continue;
    for ([[maybe_unused]] std::uint32_t lane : queues_[q]->lanes) {
      assert(std::all_of(queues_[lane]->member_agent.begin(), queues_[lane]->member_agent.end(),
                         [](std::uint32_t agent) { return agent == kNone; }));
    }
    queue_retired_[q] = 1;
  }
}

std::vector<std::uint32_t> TenantRouter::RejoinLanes(const config::TenantConfig& tenant, std::int64_t now_ns) {
  // Agents the router does not have yet join with AddAgent.
  std::vector<std::uint32_t> moved;
  for (std::uint32_t agent = 0; agent < tenant.agents.size() && agent < agents_.size(); ++agent) {
    const config::AgentConfig& cfg = tenant.agents[agent];
    if (cfg.retired || agents_[agent].retired) continue;
    if (ReplaceMemberships(agent, LanesFor(cfg))) {
      ReleaseReservationsOutsideLanes(agent, now_ns);
      moved.push_back(agent);
    }
  }
  return moved;
}

std::uint32_t TenantRouter::ClassFor(std::uint8_t kind, const config::SkillLevels& skills) {
  if (skills.empty() && kind == kNoKind) return 0;
  for (std::uint32_t k = 0; k < class_kinds_.size(); ++k) {
    if (class_kinds_[k] == kind && class_skills_[k] == skills) return k + 1;
  }
  // A new class: its lanes go after every other lane (class_lanes_ is by
  // class, then queue), so no lane index moves.
  const auto k = static_cast<std::uint32_t>(class_kinds_.size());
  class_kinds_.push_back(kind);
  class_skills_.push_back(skills);
  class_lanes_.resize(class_lanes_.size() + queue_count_, kNone);
  for (std::uint32_t q = 0; q < queue_count_; ++q) class_lanes_[k * queue_count_ + q] = AddClassLane(k, q);
  return k + 1;
}

void TenantRouter::ApplyChannels(const config::TenantConfig& tenant, std::int64_t now_ns) {
  assert(tenant.channels.size() >= channel_queue_.size());
  // Each table by channel grows together; the loop below fills them in.
  for (std::size_t c = channel_queue_.size(); c < tenant.channels.size(); ++c) {
    const config::ChannelConfig& ch = tenant.channels[c];
    channel_ids_.push_back(ch.id);
    channel_retired_.push_back(0);
    channel_queue_.push_back(kNone);
    channel_priority_.push_back(kNoPriority);
    channel_skill_class_.push_back(0);
    if (per_kind()) {
      const auto kind = std::lower_bound(kind_names_.begin(), kind_names_.end(), ch.kind);
      assert(kind != kind_names_.end() && *kind == ch.kind && "config/channel_changes.h keeps new kinds out");
      channel_kind_.push_back(static_cast<std::uint8_t>(kind - kind_names_.begin()));
    }
  }
  bool reprioritized = false, reclassed = false;
  for (std::uint32_t c = 0; c < channel_queue_.size(); ++c) {
    const config::ChannelConfig& ch = tenant.channels[c];
    assert(ch.id == channel_ids_[c]);
    channel_retired_[c] = ch.retired;
    if (ch.retired) continue;  // its open sessions keep its keys
    const std::optional<std::uint32_t> queue = FindQueue(ch.skill_queue);
    assert(queue && !queues_[*queue]->voice && "configuration validation checks channels' queues");
    if (queue) channel_queue_[c] = *queue;
    const std::uint8_t priority = ch.priority ? static_cast<std::uint8_t>(*ch.priority) : kNoPriority;
    reprioritized |= channel_priority_[c] != priority;
    channel_priority_[c] = priority;
    const std::uint32_t skill_class = ClassFor(per_kind() ? channel_kind_[c] : kNoKind, ch.required_skills);
    reclassed |= channel_skill_class_[c] != skill_class;
    channel_skill_class_[c] = skill_class;
  }
  if (reprioritized) {
    for (std::uint32_t q = 0; q < queue_count_; ++q) ReorderWaiting(q);
  }
  if (!reclassed) return;
  // Agents join the lanes of a new class by their skills, and are offered
  // what waits there.
  std::vector<std::uint32_t> moved = RejoinLanes(tenant, now_ns);
  for (std::uint32_t agent : moved) Reindex(agent);
  for (std::uint32_t agent : moved) DispatchAgentQueues(agent, now_ns);
}

std::uint32_t TenantRouter::ClassOfLane(std::uint32_t lane) const {
  const std::uint32_t queue = queues_[lane]->base;
  for (std::uint32_t k = 0; k < class_kinds_.size(); ++k) {
    if (class_lanes_[k * queue_count_ + queue] == lane) return k;
  }
  assert(false && "a skill lane belongs to a class");
  return 0;
}

}  // namespace routerd::routing
