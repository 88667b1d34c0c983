// An agent's room for sessions in per-channel-kind access, where each channel
// kind counts against a cap of its own (tenant_router.h says how), the cap
// resolution of both access modes, and the caps of a reloaded file.
#include <algorithm>
#include <cassert>

#include "engine/routing/tenant_router.h"

namespace routerd::routing {

void TenantRouter::BuildKinds(const config::TenantConfig& tenant) {
  for (const auto& ch : tenant.channels) kind_names_.push_back(ch.kind);
  std::sort(kind_names_.begin(), kind_names_.end());
  kind_names_.erase(std::unique(kind_names_.begin(), kind_names_.end()), kind_names_.end());
  assert(kind_names_.size() <= static_cast<std::size_t>(config::kMaxChannelKinds));
  kind_count_ = static_cast<std::uint32_t>(kind_names_.size());
  channel_kind_.clear();
  for (const auto& ch : tenant.channels) {
    const auto it = std::lower_bound(kind_names_.begin(), kind_names_.end(), ch.kind);
    channel_kind_.push_back(static_cast<std::uint8_t>(it - kind_names_.begin()));
  }
  // Caps for kinds that no channel of the tenant has never apply, and are left out.
  auto caps_of = [&](const config::KindCaps& caps, std::vector<std::uint8_t>& out) {
    for (const std::string& kind : kind_names_) {
      out.push_back(static_cast<std::uint8_t>(config::CapOfKind(caps, kind).value_or(0)));
    }
  };
  caps_of(tenant.kind_caps, tenant_kind_caps_);
  for (const auto& ou : tenant.ous) caps_of(ou.kind_caps, ou_kind_caps_);
  for (const auto& agent : tenant.agents) caps_of(agent.kind_caps, agent_kind_caps_);
}

bool TenantRouter::ResolveCaps(std::uint32_t agent) {
  AgentSlot& a = agents_[agent];
  const EffectiveCap cap = ResolveCap(a.own_cap, a.ou, ous_, tenant_cap_, a.own_cap_personal);
  bool changed = cap != a.cap;
  a.cap = cap;
  KindLoad* kinds = KindsOf(agent);
  for (std::uint32_t k = 0; k < kind_count_; ++k) {
    KindCapLevels levels;
    levels.agent = agent_kind_caps_[std::size_t{agent} * kind_count_ + k];
    if (!ou_kind_caps_.empty()) levels.ous = std::span<const std::uint8_t>(ou_kind_caps_).subspan(k);
    levels.ou_stride = kind_count_;
    levels.tenant = tenant_kind_caps_[k];
    const EffectiveCap kind_cap = ResolveCap(a.own_cap, a.ou, ous_, tenant_cap_, a.own_cap_personal, &levels);
    changed = changed || kind_cap != kinds[k].cap;
    kinds[k].cap = kind_cap;
  }
  return changed;
}

bool TenantRouter::HasRoomOfKind(std::uint32_t agent, std::uint32_t lane) const {
  if (agents_[agent].Load() >= static_cast<std::uint32_t>(config::kMaxCap)) return false;
  const KindLoad* kinds = KindsOf(agent);
  const std::uint8_t kind = lane_kind_[lane];
  if (kind != kNoKind) return kinds[kind].load < kinds[kind].cap.cap;
  for (std::uint32_t k = 0; k < kind_count_; ++k) {
    if (kinds[k].load < kinds[k].cap.cap) return true;
  }
  return false;
}

std::uint64_t TenantRouter::FullMaskByKind(std::uint32_t agent) const {
  const std::uint64_t all = kind_count_ == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << kind_count_) - 1;
  if (agents_[agent].Load() >= static_cast<std::uint32_t>(config::kMaxCap)) return all;
  const KindLoad* kinds = KindsOf(agent);
  std::uint64_t mask = 0;
  for (std::uint32_t k = 0; k < kind_count_; ++k) {
    if (kinds[k].load >= kinds[k].cap.cap) mask |= std::uint64_t{1} << k;
  }
  return mask;
}

void TenantRouter::ReindexByKind(std::uint32_t agent) {
  const AgentSlot& a = agents_[agent];
  const bool ready = a.state == AgentState::kReady && a.type != config::AgentType::kVoice;
  const KindLoad* kinds = KindsOf(agent);
  for (const Membership& m : a.memberships) {
    QueueState& qs = *queues_[m.queue];
    if (!ready || qs.voice || !HasRoomOfKind(agent, m.queue)) {
      if (qs.eligible.contains(m.member)) qs.eligible.Erase(m.member);
      continue;
    }
    // A first lane ranks by all of the agent's units; no session waits there.
    const std::uint8_t kind = lane_kind_[m.queue];
    AgentRankInput input;
    input.active_sessions = kind == kNoKind ? a.Load() : kinds[kind].load;
    input.effective_cap = kind == kNoKind ? static_cast<std::uint32_t>(config::kMaxCap) : kinds[kind].cap.cap;
    input.idle_since_ns = a.idle_since_ns;
    input.last_served_seq = m.last_served_seq;
    input.skill_level = m.skill_level;
    qs.eligible.Set(AgentEntry{qs.policy->Rank(input), agent, m.member});
  }
}

void TenantRouter::ApplyFileCaps(const config::TenantConfig& file, std::int64_t now_ns) {
  const bool kinds = per_kind() && file.multimedia_access_mode == config::AccessMode::kPerChannelKind;
  configured_tenant_cap_ = static_cast<std::uint32_t>(file.max_concurrent_sessions);
  if (!tenant_cap_runtime_) tenant_cap_ = configured_tenant_cap_;
  if (!initial_tenant_cap_runtime_) initial_tenant_cap_ = configured_tenant_cap_;
  if (kinds) FillKindCaps(file.kind_caps, tenant_kind_caps_.data());
  for (const config::OuConfig& ou : file.ous) {
    if (const std::optional<std::uint32_t> o = FindOu(ou.id)) SetConfiguredOuCaps(*o, ou, kinds);
  }
  for (const config::AgentConfig& agent : file.agents) {
    if (const std::optional<std::uint32_t> a = FindAgent(agent.employee_id)) SetConfiguredAgentCaps(*a, agent, kinds);
  }
  RecomputeCaps(all_agents_, now_ns);
}

void TenantRouter::FillKindCaps(const config::KindCaps& caps, std::uint8_t* level) const {
  for (std::uint32_t k = 0; k < kind_count_; ++k) {
    level[k] = static_cast<std::uint8_t>(config::CapOfKind(caps, kind_names_[k]).value_or(0));
  }
}

void TenantRouter::SetConfiguredOuCaps(std::uint32_t ou, const config::OuConfig& cfg, bool kinds) {
  std::optional<std::uint32_t> cap;
  if (cfg.max_concurrent_sessions) cap = static_cast<std::uint32_t>(*cfg.max_concurrent_sessions);
  if (!ou_cap_runtime_[ou]) ous_[ou].cap = cap;
  if (!initial_ou_cap_runtime_[ou]) initial_ous_[ou].cap = cap;
  if (kinds && per_kind()) FillKindCaps(cfg.kind_caps, ou_kind_caps_.data() + std::size_t{ou} * kind_count_);
}

void TenantRouter::SetConfiguredAgentCaps(std::uint32_t agent, const config::AgentConfig& cfg, bool kinds) {
  std::optional<std::uint32_t> own;
  if (cfg.max_concurrent_sessions) own = static_cast<std::uint32_t>(*cfg.max_concurrent_sessions);
  AgentSlot& slot = agents_[agent];
  if (!slot.own_cap_runtime) {
    slot.own_cap = own;
    slot.own_cap_personal = false;
  }
  InitialAgent& init = initial_agents_[agent];
  if (!init.own_cap_runtime) {
    init.own_cap = own;
    init.own_cap_personal = false;
  }
  if (kinds && per_kind()) FillKindCaps(cfg.kind_caps, agent_kind_caps_.data() + std::size_t{agent} * kind_count_);
}

}  // namespace routerd::routing
