#include "engine/config/ou_changes.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace routerd::config {
namespace {

bool SameCaps(const KindCaps& a, const KindCaps& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const KindCap& x, const KindCap& y) { return x.kind == y.kind && x.cap == y.cap; });
}

}  // namespace

OuChanges MergeOuChanges(const TenantConfig& running, const TenantConfig& file, bool structure_changed) {
  OuChanges out;
  out.tenant = std::make_shared<TenantConfig>(running);
  if (structure_changed) return out;
  std::unordered_map<std::string_view, const OuConfig*> in_file;
  for (const OuConfig& ou : file.ous) in_file.emplace(ou.id, &ou);
  std::vector<OuConfig>& ous = out.tenant->ous;
  std::unordered_set<std::string_view> known;
  for (std::uint32_t i = 0; i < ous.size(); ++i) {
    OuConfig& ou = ous[i];
    known.insert(running.ous[i].id);
    const auto it = in_file.find(ou.id);
    if (it == in_file.end()) {
      if (!ou.retired) {
        ou.retired = true;
        out.retired.push_back(i);
      }
      continue;
    }
    const OuConfig& next = *it->second;
    if (ou.retired) {
      ou = next;
      out.added.push_back(i);
      continue;
    }
    OuConfig merged = next;
    if (ou.runtime_cap) {
      merged.runtime_cap = true;
      merged.max_concurrent_sessions = ou.max_concurrent_sessions;
    }
    if (merged.parent != ou.parent || merged.max_concurrent_sessions != ou.max_concurrent_sessions ||
        !SameCaps(merged.kind_caps, ou.kind_caps)) {
      out.changed.push_back(i);
    }
    ou = std::move(merged);
  }
  for (const OuConfig& next : file.ous) {
    if (known.contains(next.id)) continue;
    out.added.push_back(static_cast<std::uint32_t>(ous.size()));
    ous.push_back(next);
  }
  return out;
}

}  // namespace routerd::config
