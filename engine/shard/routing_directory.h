// RoutingDirectory: resolves the names in URLs, tokens and admin requests
// (tenant, channel, agent, OU ids) to the shard and indices the router uses.
//
// Built once from the configuration; immutable afterwards but for the agents,
// OUs, skill queues and channels of a tenant, which a reload or the provisioning API may
// add or remove (PublishMembers), so any thread may read it without a lock. Tenants are spread over shards by a hash of
// their id.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/config/config.h"

namespace routerd::shard {

struct TenantRef {
  std::uint32_t shard = 0;
  std::uint32_t tenant = 0;  // index within the shard
  const config::TenantConfig* config = nullptr;
};

class RoutingDirectory {
 public:
  RoutingDirectory(const config::Config& config, std::uint32_t shards);

  std::uint32_t shard_count() const { return shard_count_; }
  std::optional<TenantRef> FindTenant(std::string_view tenant_id) const;
  // Index of a channel/agent/OU within its tenant (configuration order; for
  // an agent or an OU, its position in the tenant in effect: TenantConfigs).
  std::optional<std::uint32_t> FindChannel(const TenantRef& t, std::string_view channel_id) const;
  std::optional<std::uint32_t> FindAgent(const TenantRef& t, std::string_view employee_id) const;
  std::optional<std::uint32_t> FindOu(const TenantRef& t, std::string_view ou_id) const;
  std::optional<std::uint32_t> FindQueue(const TenantRef& t, std::string_view queue_id) const;
  // The tenants each shard owns, in shard-local index order.
  const std::vector<const config::TenantConfig*>& TenantsOfShard(std::uint32_t shard) const {
    return shard_tenants_[shard];
  }
  // The tenant's agents, OUs, skill queues and channels become those of `tenant` (by position,
  // retired ones left out). From one thread at a time (the reload).
  void PublishMembers(const config::TenantConfig& tenant);

 private:
  // Heterogeneous lookup: finding by string_view allocates nothing.
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  template <typename V>
  using NameMap = std::unordered_map<std::string, V, NameHash, std::equal_to<>>;
  using IndexMap = NameMap<std::uint32_t>;
  struct TenantEntry {
    TenantRef ref;

    // Replaced whole when a reload changes them.
    std::unique_ptr<std::atomic<std::shared_ptr<const IndexMap>>> agents, ous, queues, channels;
  };
  static std::shared_ptr<const IndexMap> AgentsOf(const config::TenantConfig& tenant);
  static std::shared_ptr<const IndexMap> OusOf(const config::TenantConfig& tenant);
  static std::shared_ptr<const IndexMap> QueuesOf(const config::TenantConfig& tenant);
  static std::shared_ptr<const IndexMap> ChannelsOf(const config::TenantConfig& tenant);
  // The positions of the objects of `items` that are not retired, by id.
  template <typename T, typename IdOf>
  static std::shared_ptr<const IndexMap> LiveIndex(const std::vector<T>& items, IdOf id_of);
  static std::optional<std::uint32_t> Lookup(const IndexMap& map, std::string_view key);
  const TenantEntry* Entry(const TenantRef& t) const;

  std::uint32_t shard_count_;
  NameMap<TenantEntry> tenants_;
  std::vector<std::vector<const config::TenantConfig*>> shard_tenants_;
};

}  // namespace routerd::shard
