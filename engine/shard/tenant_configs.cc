#include "engine/shard/tenant_configs.h"

#include <cassert>

namespace routerd::shard {

TenantConfigs::TenantConfigs(const config::Config& startup) {
  for (const config::TenantConfig& t : startup.tenants) {
    // An aliasing pointer that owns nothing: the start-up tenant lives as
    // long as the configuration it is part of.
    tenants_.emplace(t.id, std::make_unique<Slot>(std::shared_ptr<const config::TenantConfig>(
                               std::shared_ptr<const config::TenantConfig>(), &t)));
  }
}

std::shared_ptr<const config::TenantConfig> TenantConfigs::Get(std::string_view tenant_id) const {
  const auto it = tenants_.find(tenant_id);
  return it == tenants_.end() ? nullptr : it->second->load(std::memory_order_acquire);
}

void TenantConfigs::Publish(std::shared_ptr<const config::TenantConfig> tenant) {
  const auto it = tenants_.find(tenant->id);
  assert(it != tenants_.end() && "a reload publishes tenants of the start-up configuration only");
  if (it != tenants_.end()) it->second->store(std::move(tenant), std::memory_order_release);
}

}  // namespace routerd::shard
