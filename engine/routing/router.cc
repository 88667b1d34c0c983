#include "engine/routing/router.h"

namespace routerd::routing {

Router::Router(std::span<const config::TenantConfig* const> tenants, const PolicyRegistry& policies,
               const TenantRouterOptions& options)
    : policies_(policies), options_(options) {
  for (const config::TenantConfig* tenant : tenants) AddTenant(*tenant);
}

std::uint32_t Router::AddTenant(const config::TenantConfig& tenant) {
  const auto index = static_cast<std::uint32_t>(tenants_.size());
  tenants_.Append([&](std::unique_ptr<TenantRouter>& slot) {
    slot = std::make_unique<TenantRouter>(index, tenant, policies_, options_, &events_);
  });
  active_.push_back(1);
  return index;
}

void Router::OnTick(std::int64_t now_ns) {
  for (std::uint32_t i = 0; i < tenants_.size(); ++i) {
    if (active_[i]) tenants_[i]->OnTick(now_ns);
  }
}

}  // namespace routerd::routing
