#include "engine/config/config.h"

#include <algorithm>
#include <filesystem>

#include "engine/config/cap_rule.h"

namespace routerd::config {

int EffectiveRenewIntervalMs(const ClusterOptions& cluster) {
  return cluster.renew_interval_ms > 0 ? cluster.renew_interval_ms : cluster.lease_ms / 3;
}

int JournalPartitions(const Config& config) {
  return config.storage.partitions > 0 ? config.storage.partitions : config.server.router_shards;
}

std::string ResolvedDataDir(const Config& config) {
  std::filesystem::path dir(config.storage.data_dir);
  if (dir.is_relative()) {
    std::filesystem::path base = config.source_path.empty()
                                     ? std::filesystem::current_path()
                                     : std::filesystem::absolute(config.source_path).parent_path();
    dir = base / dir;
  }
  return dir.lexically_normal().string();
}

std::optional<std::uint8_t> NotReadyReasonCode(const TenantConfig& tenant, std::string_view reason) {
  const auto& reasons = tenant.not_ready_reasons;
  auto it = std::find(reasons.begin(), reasons.end(), reason);
  if (it == reasons.end()) return std::nullopt;
  return static_cast<std::uint8_t>(1 + (it - reasons.begin()));
}

std::string_view AgentTypeName(AgentType type) {
  switch (type) {
    case AgentType::kVersatile: return "versatile";
    case AgentType::kMultimedia: return "multimedia";
    case AgentType::kVoice: return "voice";
  }
  return "unknown";
}

std::string_view QueueMediaName(QueueMedia media) {
  switch (media) {
    case QueueMedia::kMultimedia: return "multimedia";
    case QueueMedia::kVoice: return "voice";
  }
  return "unknown";
}

std::string_view LeaveOperationName(LeaveOperation op) {
  switch (op) {
    case LeaveOperation::kQuery: return "query";
    case LeaveOperation::kAllocate: return "allocate";
    case LeaveOperation::kProcess: return "process";
    case LeaveOperation::kSubmit: return "submit";
    case LeaveOperation::kDownload: return "download";
    case LeaveOperation::kViewContact: return "view_contact";
  }
  return "unknown";
}

std::optional<LeaveOperation> ParseLeaveOperation(std::string_view name) {
  for (int i = 0; i < kLeaveOperationCount; ++i) {
    const auto op = static_cast<LeaveOperation>(i);
    if (LeaveOperationName(op) == name) return op;
  }
  return std::nullopt;
}

std::string_view AccessModeName(AccessMode mode) {
  switch (mode) {
    case AccessMode::kUnified: return "unified";
    case AccessMode::kPerChannelKind: return "per_channel_kind";
  }
  return "unknown";
}

bool AgentServesMedia(AgentType type, QueueMedia media) {
  switch (type) {
    case AgentType::kVersatile: return true;
    case AgentType::kMultimedia: return media == QueueMedia::kMultimedia;
    case AgentType::kVoice: return media == QueueMedia::kVoice;
  }
  return false;
}

std::vector<std::string> LeaveChannelTypes(const TenantConfig& tenant) {
  std::vector<std::string> kinds{"voice"};
  for (const ChannelConfig& c : tenant.channels) kinds.push_back(c.kind);
  std::sort(kinds.begin(), kinds.end());
  kinds.erase(std::unique(kinds.begin(), kinds.end()), kinds.end());
  return kinds;
}

EffectiveCap ResolveEffectiveCap(const TenantConfig& tenant, const AgentConfig& agent,
                                 std::optional<std::string_view> kind) {
  auto level_cap = [&](const KindCaps& for_kind, std::optional<int> for_every_kind) {
    return CapAtLevel(kind ? CapOfKind(for_kind, *kind) : std::nullopt, for_every_kind);
  };
  // Linear lookups: OU trees are small and this runs at start-up, not per session.
  auto find_ou = [&](const std::string& id) -> const OuConfig* {
    for (const OuConfig& ou : tenant.ous) {
      if (ou.id == id && !ou.retired) return &ou;
    }
    return nullptr;
  };
  auto parent_of = [&](const OuConfig* ou) -> std::optional<const OuConfig*> {
    if (ou->parent.empty()) return std::nullopt;
    const OuConfig* parent = find_ou(ou->parent);
    return parent ? std::optional(parent) : std::nullopt;
  };
  auto cap_of = [&](const OuConfig* ou) { return level_cap(ou->kind_caps, ou->max_concurrent_sessions); };
  const OuConfig* own_ou = find_ou(agent.ou);
  const std::optional<int> agent_kind_cap = kind ? CapOfKind(agent.kind_caps, *kind) : std::nullopt;
  const auto d = DecideCap<int, const OuConfig*>(
      CapAtLevel(agent_kind_cap, agent.max_concurrent_sessions), agent.personal_cap && !agent_kind_cap,
      own_ou ? std::optional(own_ou) : std::nullopt, parent_of, cap_of,
      *level_cap(tenant.kind_caps, tenant.TenantCap()), tenant.ous.size());
  switch (d.level) {
    case CapLevel::kAgent: return {d.cap, EffectiveCap::Origin::kAgent, {}};
    case CapLevel::kPersonal: return {d.cap, EffectiveCap::Origin::kPersonal, {}};
    case CapLevel::kOu: return {d.cap, EffectiveCap::Origin::kOu, (*d.ou)->id};
    case CapLevel::kTenant: break;
  }
  return {d.cap, EffectiveCap::Origin::kTenant, {}};
}

}  // namespace routerd::config
