#include "engine/shard/tenant_configs.h"

#include <cassert>

namespace routerd::shard {

TenantConfigs::TenantConfigs(const config::Config& startup) {
  for (const config::TenantConfig& t : startup.tenants) {
    // An aliasing pointer that owns nothing: the start-up tenant lives as
    // long as the configuration it is part of.
    tenants_.Add(t.id, std::shared_ptr<const config::TenantConfig>(std::shared_ptr<const config::TenantConfig>(), &t));
  }
  tenants_.Publish();
}

std::shared_ptr<const config::TenantConfig> TenantConfigs::Get(std::string_view tenant_id) const {
  const Slot* slot = tenants_.Find(tenant_id);
  return slot == nullptr ? nullptr : slot->load(std::memory_order_acquire);
}

void TenantConfigs::Publish(std::shared_ptr<const config::TenantConfig> tenant) {
  Slot* slot = tenants_.Find(tenant->id);
  assert(slot != nullptr && "a reload publishes tenants known here only");
  if (slot != nullptr) slot->store(std::move(tenant), std::memory_order_release);
}

void TenantConfigs::Add(std::shared_ptr<const config::TenantConfig> tenant) {
  std::string id = tenant->id;
  tenants_.Add(std::move(id), std::move(tenant));
  tenants_.Publish();
}

}  // namespace routerd::shard
