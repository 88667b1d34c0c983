#include "engine/shard/routing_directory.h"

#include <functional>

namespace routerd::shard {

RoutingDirectory::RoutingDirectory(const config::Config& config, std::uint32_t shards)
    : shard_count_(shards == 0 ? 1 : shards), shard_tenants_(shard_count_) {
  for (const auto& t : config.tenants) {
    const std::uint32_t shard =
        static_cast<std::uint32_t>(std::hash<std::string_view>()(t.id) % shard_count_);
    TenantEntry entry;
    entry.ref = {shard, static_cast<std::uint32_t>(shard_tenants_[shard].size()), &t};
    entry.channels = std::make_unique<std::atomic<std::shared_ptr<const IndexMap>>>(ChannelsOf(t));
    entry.agents = std::make_unique<std::atomic<std::shared_ptr<const IndexMap>>>(AgentsOf(t));
    entry.ous = std::make_unique<std::atomic<std::shared_ptr<const IndexMap>>>(OusOf(t));
    entry.queues = std::make_unique<std::atomic<std::shared_ptr<const IndexMap>>>(QueuesOf(t));
    shard_tenants_[shard].push_back(&t);
    tenants_.emplace(t.id, std::move(entry));
  }
}

template <typename T, typename IdOf>
std::shared_ptr<const RoutingDirectory::IndexMap> RoutingDirectory::LiveIndex(const std::vector<T>& items, IdOf id_of) {
  auto index = std::make_shared<IndexMap>();
  for (std::uint32_t i = 0; i < items.size(); ++i) {
    if (!items[i].retired) index->emplace(id_of(items[i]), i);
  }
  return index;
}

std::shared_ptr<const RoutingDirectory::IndexMap> RoutingDirectory::AgentsOf(const config::TenantConfig& tenant) {
  return LiveIndex(tenant.agents, [](const config::AgentConfig& a) -> const std::string& { return a.employee_id; });
}

std::shared_ptr<const RoutingDirectory::IndexMap> RoutingDirectory::OusOf(const config::TenantConfig& tenant) {
  return LiveIndex(tenant.ous, [](const config::OuConfig& o) -> const std::string& { return o.id; });
}

std::shared_ptr<const RoutingDirectory::IndexMap> RoutingDirectory::QueuesOf(const config::TenantConfig& tenant) {
  return LiveIndex(tenant.skill_queues, [](const config::SkillQueueConfig& q) -> const std::string& { return q.id; });
}

std::shared_ptr<const RoutingDirectory::IndexMap> RoutingDirectory::ChannelsOf(const config::TenantConfig& tenant) {
  return LiveIndex(tenant.channels, [](const config::ChannelConfig& c) -> const std::string& { return c.id; });
}

void RoutingDirectory::PublishMembers(const config::TenantConfig& tenant) {
  auto it = tenants_.find(tenant.id);
  if (it == tenants_.end()) return;
  it->second.queues->store(QueuesOf(tenant), std::memory_order_release);
  it->second.channels->store(ChannelsOf(tenant), std::memory_order_release);
  it->second.ous->store(OusOf(tenant), std::memory_order_release);
  it->second.agents->store(AgentsOf(tenant), std::memory_order_release);
}

std::optional<TenantRef> RoutingDirectory::FindTenant(std::string_view tenant_id) const {
  auto it = tenants_.find(tenant_id);
  if (it == tenants_.end()) return std::nullopt;
  return it->second.ref;
}

const RoutingDirectory::TenantEntry* RoutingDirectory::Entry(const TenantRef& t) const {
  auto it = tenants_.find(t.config->id);
  return it == tenants_.end() ? nullptr : &it->second;
}

std::optional<std::uint32_t> RoutingDirectory::Lookup(const IndexMap& map, std::string_view key) {
  auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

std::optional<std::uint32_t> RoutingDirectory::FindChannel(const TenantRef& t, std::string_view id) const {
  const TenantEntry* e = Entry(t);
  return e ? Lookup(*e->channels->load(std::memory_order_acquire), id) : std::nullopt;
}

std::optional<std::uint32_t> RoutingDirectory::FindAgent(const TenantRef& t, std::string_view id) const {
  const TenantEntry* e = Entry(t);
  return e ? Lookup(*e->agents->load(std::memory_order_acquire), id) : std::nullopt;
}

std::optional<std::uint32_t> RoutingDirectory::FindOu(const TenantRef& t, std::string_view id) const {
  const TenantEntry* e = Entry(t);
  return e ? Lookup(*e->ous->load(std::memory_order_acquire), id) : std::nullopt;
}

std::optional<std::uint32_t> RoutingDirectory::FindQueue(const TenantRef& t, std::string_view id) const {
  const TenantEntry* e = Entry(t);
  return e ? Lookup(*e->queues->load(std::memory_order_acquire), id) : std::nullopt;
}

}  // namespace routerd::shard
