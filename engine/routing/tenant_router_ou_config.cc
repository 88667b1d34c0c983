// OUs added, changed or removed while the router runs (a reload or the
// provisioning API): tenant_router.h, ApplyOus.
#include <algorithm>
#include <cassert>

#include "engine/routing/tenant_router.h"

namespace routerd::routing {

void TenantRouter::ApplyOus(const config::TenantConfig& tenant, std::int64_t now_ns) {
  assert(tenant.ous.size() >= ous_.size());
  // Each table by OU grows together; a new OU starts with no cap of its own
  // (set below) and not set at run time.
  for (std::size_t i = ous_.size(); i < tenant.ous.size(); ++i) {
    ou_ids_.push_back(tenant.ous[i].id);
    ous_.emplace_back();
    initial_ous_.emplace_back();
    ou_cap_runtime_.push_back(0);
    initial_ou_cap_runtime_.push_back(0);
    ou_retired_.push_back(0);
    ou_kind_caps_.resize(ou_kind_caps_.size() + kind_count_, 0);
  }
  const bool kinds = per_kind() && tenant.multimedia_access_mode == config::AccessMode::kPerChannelKind;
  for (std::size_t i = 0; i < tenant.ous.size(); ++i) {
    const config::OuConfig& ou = tenant.ous[i];
    assert(ou_ids_[i] == ou.id);
    if (ou.retired) continue;  // RetireOus, once its agents have moved
    ou_retired_[i] = 0;
    const std::uint32_t parent = ou.parent.empty() ? kNone : IndexOf(ou_ids_, ou.parent);
    ous_[i].parent = initial_ous_[i].parent = parent;
    SetConfiguredOuCaps(static_cast<std::uint32_t>(i), ou, kinds);
  }
  RecomputeCaps(all_agents_, now_ns);
}

void TenantRouter::RetireOus(const config::TenantConfig& tenant) {
  for (std::size_t i = 0; i < tenant.ous.size() && i < ous_.size(); ++i) {
    if (!tenant.ous[i].retired || ou_retired_[i]) continue;
    assert(std::none_of(agents_.begin(), agents_.end(),
                        [i](const AgentSlot& a) { return !a.retired && a.ou == i; }));
    ou_retired_[i] = 1;
    // Its run-time cap ends with it: an OU that comes back starts from its
    // definition.
    ous_[i] = initial_ous_[i] = OuNode{};
    ou_cap_runtime_[i] = initial_ou_cap_runtime_[i] = 0;
  }
}

}  // namespace routerd::routing
