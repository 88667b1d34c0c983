#include "engine/shard/routing_directory.h"

#include <functional>

namespace routerd::shard {

RoutingDirectory::RoutingDirectory(const config::Config& config, std::uint32_t shards)
    : shard_count_(shards == 0 ? 1 : shards) {
  for (std::uint32_t i = 0; i < shard_count_; ++i) {
    shard_tenants_.push_back(std::make_unique<base::AppendOnlyArray<const config::TenantConfig*>>());
  }
  for (const auto& t : config.tenants) Add(t);
  tenants_.Publish();
}

std::uint32_t RoutingDirectory::ShardOf(std::string_view tenant_id) const {
  return static_cast<std::uint32_t>(std::hash<std::string_view>()(tenant_id) % shard_count_);
}

TenantRef RoutingDirectory::NextRef(const std::string& tenant_id) const {
  const std::uint32_t shard = ShardOf(tenant_id);
  return {shard, static_cast<std::uint32_t>(shard_tenants_[shard]->size()), nullptr};
}

void RoutingDirectory::Add(const config::TenantConfig& t) {
  const TenantRef at = NextRef(t.id);
  TenantEntry& entry = tenants_.Add(t.id);
  entry.ref = {at.shard, at.tenant, &t};
  entry.channels = std::make_unique<std::atomic<std::shared_ptr<const IndexMap>>>(ChannelsOf(t));
  entry.agents = std::make_unique<std::atomic<std::shared_ptr<const IndexMap>>>(AgentsOf(t));
  entry.ous = std::make_unique<std::atomic<std::shared_ptr<const IndexMap>>>(OusOf(t));
  entry.queues = std::make_unique<std::atomic<std::shared_ptr<const IndexMap>>>(QueuesOf(t));
  shard_tenants_[at.shard]->Append([&t](const config::TenantConfig*& slot) { slot = &t; });
}

TenantRef RoutingDirectory::AddTenant(const config::TenantConfig& tenant) {
  Add(tenant);
  tenants_.Publish();
  return *FindTenant(tenant.id);
}

void RoutingDirectory::RetireTenant(std::string_view tenant_id) {
  if (TenantEntry* e = tenants_.Find(tenant_id)) e->retired.store(true, std::memory_order_release);
}

bool RoutingDirectory::Retired(std::string_view tenant_id) const {
  const TenantEntry* e = tenants_.Find(tenant_id);
  return e != nullptr && e->retired.load(std::memory_order_acquire);
}

std::vector<TenantRef> RoutingDirectory::Tenants() const {
  std::vector<TenantRef> out;
  const std::size_t n = tenants_.size();
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const TenantEntry& e = tenants_.at(i);
    if (!e.retired.load(std::memory_order_acquire)) out.push_back(e.ref);
  }
  return out;
}

std::vector<const config::TenantConfig*> RoutingDirectory::TenantsOfShard(std::uint32_t shard) const {
  const auto& list = *shard_tenants_[shard];
  std::vector<const config::TenantConfig*> out;
  const std::size_t n = list.size();
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(list[i]);
  return out;
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
  TenantEntry* e = tenants_.Find(tenant.id);
  if (e == nullptr) return;
  e->queues->store(QueuesOf(tenant), std::memory_order_release);
  e->channels->store(ChannelsOf(tenant), std::memory_order_release);
  e->ous->store(OusOf(tenant), std::memory_order_release);
  e->agents->store(AgentsOf(tenant), std::memory_order_release);
}

std::optional<TenantRef> RoutingDirectory::FindTenant(std::string_view tenant_id) const {
  const TenantEntry* e = tenants_.Find(tenant_id);
  if (e == nullptr || e->retired.load(std::memory_order_acquire)) return std::nullopt;
  return e->ref;
}

const RoutingDirectory::TenantEntry* RoutingDirectory::Entry(const TenantRef& t) const {
  return tenants_.Find(t.config->id);
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
