#include "engine/routing/router.h"

namespace routerd::routing {

Router::Router(std::span<const config::TenantConfig* const> tenants, const PolicyRegistry& policies,
               const TenantRouterOptions& options)
    : active_(tenants.size(), 1) {
  tenants_.reserve(tenants.size());
  for (std::uint32_t i = 0; i < tenants.size(); ++i) {
    tenants_.push_back(std::make_unique<TenantRouter>(i, *tenants[i], policies, options, &events_));
  }
}

void Router::OnTick(std::int64_t now_ns) {
  for (std::uint32_t i = 0; i < tenants_.size(); ++i) {
    if (active_[i]) tenants_[i]->OnTick(now_ns);
  }
}

}  // namespace routerd::routing
