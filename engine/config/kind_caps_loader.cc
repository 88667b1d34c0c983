#include "engine/config/kind_caps_loader.h"

#include <algorithm>
#include <set>

#include "engine/config/int_table_reader.h"

namespace routerd::config {

using internal::ErrorList;
using internal::Quote;
using internal::TableReader;

KindCaps ReadKindCaps(TableReader& r, ErrorList& errors) {
  KindCaps out;
  for (const NamedInt& n : ReadIntTable(r, kKindCapsKey, kMinCap, kMaxCap, "channel kind", "cap", errors)) {
    out.push_back({n.name, static_cast<int>(n.value), n.line});
  }
  // TOML keys of one table are unique, so each kind is there once.
  std::sort(out.begin(), out.end(), [](const KindCap& a, const KindCap& b) { return a.kind < b.kind; });
  return out;
}

void CheckKindCaps(const TenantConfig& tenant, const std::vector<std::string>& known_kinds, std::string_view path,
                   ErrorList& errors) {
  const bool per_kind = tenant.multimedia_access_mode == AccessMode::kPerChannelKind;
  const std::string name(kKindCapsKey);
  auto check = [&](const KindCaps& caps, const std::string& where) {
    for (const KindCap& c : caps) {
      if (!per_kind) {
        errors.Add(c.line, where,
                   name + " needs multimedia_access_mode = \"per_channel_kind\" (in unified access one "
                          "max_concurrent_sessions covers every channel)");
        return;  // once per table
      }
      if (std::find(known_kinds.begin(), known_kinds.end(), c.kind) != known_kinds.end()) continue;
      std::string message = name + ": " + Quote(c.kind) + " is not a channel kind";
      if (auto nearest = internal::NearestWord(c.kind, known_kinds)) message += " (did you mean '" + *nearest + "'?)";
      errors.Add(c.line, where, message + " " + internal::KnownList("kinds", known_kinds));
    }
  };
  const std::string tenant_where = std::string(path) + " '" + tenant.id + "'";
  check(tenant.kind_caps, tenant_where);
  for (const OuConfig& ou : tenant.ous) {
    if (!ou.retired) check(ou.kind_caps, std::string(path) + ".ous '" + ou.id + "'");
  }
  for (const AgentConfig& a : tenant.agents) check(a.kind_caps, std::string(path) + ".agents '" + a.employee_id + "'");
  if (!per_kind) return;
  std::set<std::string_view> kinds;
  for (const ChannelConfig& c : tenant.channels) kinds.insert(c.kind);
  if (kinds.size() > static_cast<std::size_t>(kMaxChannelKinds)) {
    errors.Add(tenant.line, tenant_where,
               "per-channel-kind access counts at most " + std::to_string(kMaxChannelKinds) +
                   " channel kinds; this tenant's channels have " + std::to_string(kinds.size()));
  }
}

}  // namespace routerd::config
