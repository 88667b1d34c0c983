#include "engine/config/config_summary.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>
#include <vector>

#include "engine/config/overflow_target.h"

namespace routerd::config {
namespace {

// Lists are cut so a tenant with hundreds of agents still fits on one screen.
constexpr size_t kMaxNamesShown = 6;

std::string Names(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < kMaxNamesShown; ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  if (names.size() > kMaxNamesShown) out += ", ... " + std::to_string(names.size() - kMaxNamesShown) + " more";
  return out;
}

std::string Plural(size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

// "email 8, wechat 3"
std::string KindCapsText(const KindCaps& caps) {
  std::string out;
  for (const KindCap& c : caps) out += (out.empty() ? "" : ", ") + c.kind + " " + std::to_string(c.cap);
  return out;
}

void AppendOuTree(const TenantConfig& tenant, const std::string& parent, int depth, std::string& out) {
  for (const OuConfig& ou : tenant.ous) {
    if (ou.parent != parent || ou.retired) continue;
    size_t agents = std::count_if(tenant.agents.begin(), tenant.agents.end(),
                                  [&](const AgentConfig& a) { return !a.retired && a.ou == ou.id; });
    out += std::string(4 + 2 * depth, ' ') + ou.id + " (";
    if (ou.max_concurrent_sessions) out += "cap " + std::to_string(*ou.max_concurrent_sessions) + ", ";
    if (!ou.kind_caps.empty()) out += "caps " + KindCapsText(ou.kind_caps) + ", ";
    out += Plural(agents, "agent") + ")\n";
    // Validated configurations have no cycles; the depth bound guards anything else.
    if (depth < static_cast<int>(tenant.ous.size())) AppendOuTree(tenant, ou.id, depth + 1, out);
  }
}

void AppendTenant(const TenantConfig& tenant, std::string& out) {
  out += "tenant '" + tenant.id + "': " + std::string(AccessModeName(tenant.multimedia_access_mode)) +
         " channel access, cap " + std::to_string(tenant.max_concurrent_sessions) +
         (tenant.kind_caps.empty() ? std::string() : " (" + KindCapsText(tenant.kind_caps) + ")") +
         ", idle timeout " + std::to_string(tenant.session_idle_timeout_seconds) + " s\n";

  out += "  OUs (" + std::to_string(tenant.ous.size()) + "):\n";
  AppendOuTree(tenant, "", 0, out);

  out += "  skill queues (" + std::to_string(tenant.skill_queues.size()) + "):\n";
  for (const SkillQueueConfig& q : tenant.skill_queues) {
    size_t agents = std::count_if(tenant.agents.begin(), tenant.agents.end(), [&](const AgentConfig& a) {
      return std::find(a.skill_queues.begin(), a.skill_queues.end(), q.id) != a.skill_queues.end();
    });
    out += "    " + q.id + ": " + std::string(QueueMediaName(q.media)) + ", " + q.strategy + ", max wait " +
           std::to_string(q.max_wait_seconds) + " s, max waiting " + std::to_string(q.max_waiting) +
           ", overflow -> " + OverflowTargetText(q.on_overflow) + ", " + Plural(agents, "agent") + "\n";
  }

  out += "  agents (" + std::to_string(tenant.agents.size()) + "):\n";
  for (AgentType type : {AgentType::kVersatile, AgentType::kMultimedia, AgentType::kVoice}) {
    std::vector<std::string> ids;
    for (const AgentConfig& a : tenant.agents) {
      if (a.type == type) ids.push_back(a.employee_id);
    }
    if (ids.empty()) continue;
    out += "    " + std::string(AgentTypeName(type)) + " " + std::to_string(ids.size()) + ": " + Names(ids) + "\n";
  }

  // Grouped by (cap, origin) rather than one line per agent, to stay on one
  // screen; in per-channel-kind access one group per channel kind.
  auto append_caps = [&](std::optional<std::string_view> kind) {
    using CapKey = std::tuple<int, int, std::string>;
    std::map<CapKey, std::vector<std::string>> by_cap;
    for (const AgentConfig& a : tenant.agents) {
      EffectiveCap cap = ResolveEffectiveCap(tenant, a, kind);
      by_cap[{cap.cap, static_cast<int>(cap.origin), cap.ou_id}].push_back(a.employee_id);
    }
    if (by_cap.empty()) return;
    out += kind ? "  effective caps for " + std::string(*kind) + " sessions:\n" : "  effective caps:\n";
    for (const auto& [key, ids] : by_cap) {
      const auto& [cap, origin, ou] = key;
      std::string from = origin == static_cast<int>(EffectiveCap::Origin::kAgent)      ? "agent setting"
                         : origin == static_cast<int>(EffectiveCap::Origin::kPersonal) ? "the agent's own setting"
                         : origin == static_cast<int>(EffectiveCap::Origin::kOu)       ? "OU " + ou
                                                                                       : "tenant";
      out += "    " + std::to_string(cap) + " from " + from + ": " + Names(ids) + "\n";
    }
  };
  if (tenant.multimedia_access_mode == AccessMode::kUnified) {
    append_caps(std::nullopt);
  } else {
    std::set<std::string_view> kinds;
    for (const ChannelConfig& c : tenant.channels) kinds.insert(c.kind);
    for (std::string_view kind : kinds) append_caps(kind);
  }

  out += "  channels (" + std::to_string(tenant.channels.size()) + "):\n";
  std::map<std::string, std::vector<std::string>> by_kind;
  for (const ChannelConfig& c : tenant.channels) by_kind[c.kind].push_back(c.id + " -> " + c.skill_queue);
  for (const auto& [kind, channels] : by_kind) out += "    " + kind + ": " + Names(channels) + "\n";
}

}  // namespace

std::string FormatConfigSummary(const Config& config) {
  const ServerOptions& s = config.server;
  std::string out = "configuration " + config.source_path + ": OK, " + Plural(config.tenants.size(), "tenant") + "\n";
  out += "server: listen " + s.listen + ", " + Plural(static_cast<size_t>(s.io_threads), "I/O thread") + ", " +
         Plural(static_cast<size_t>(s.router_shards), "router shard") + ", router queue " +
         std::to_string(s.router_queue_capacity) + " (batch " + std::to_string(s.router_batch_size) + "), tick " +
         std::to_string(s.router_tick_ms) + " ms, session history " + std::to_string(s.session_history_limit) +
         ", log level " + s.log_level + "\n";
  const StorageOptions& st = config.storage;
  // The PostgreSQL URL may hold a password: the summary names the backend only.
  out += "storage: " + st.backend + (st.backend == "postgresql" ? std::string() : " in " + ResolvedDataDir(config)) +
         ", " +
         Plural(static_cast<size_t>(JournalPartitions(config)), "journal partition") + ", durability " +
         (st.durability == Durability::kSync ? "sync (2xx after the commit)" : "async (2xx after the hand-off)") +
         ", dedup keys kept " + std::to_string(st.dedup_retention_seconds) + " s\n";
  if (const ClusterOptions& c = config.cluster; c.enabled) {
    out += "cluster: instance '" + c.instance_id + "' at " + c.advertise_url + ", lease " + std::to_string(c.lease_ms) +
           " ms renewed every " + std::to_string(EffectiveRenewIntervalMs(c)) + " ms, inbox poll " +
           std::to_string(c.inbox_poll_ms) + " ms\n";
  }
  if (!config.operator_tokens.empty()) {
    std::vector<std::string> names;
    for (const OperatorTokenConfig& t : config.operator_tokens) names.push_back(t.name);
    out += "operator tokens (" + std::to_string(names.size()) + "): " + Names(names) + "\n";
  }
  for (const TenantConfig& tenant : config.tenants) AppendTenant(tenant, out);
  return out;
}

}  // namespace routerd::config
