#include "engine/config/ou_changes.h"

#include <algorithm>
#include <string_view>

#include "engine/config/merge_by_id.h"

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
  MergedPositions positions = MergeById(
      out.tenant->ous, file.ous, [](const OuConfig& ou) -> std::string_view { return ou.id; },
      [&out](OuConfig& ou, const OuConfig& next, std::uint32_t i) {
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
      });
  out.added = std::move(positions.added);
  out.retired = std::move(positions.retired);
  return out;
}

}  // namespace routerd::config
