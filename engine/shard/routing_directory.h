// RoutingDirectory: resolves the names in URLs, tokens and admin requests
// (tenant, channel, agent, OU ids) to the shard and indices the router uses.
//
// Built from the configuration at start; a reload may add a tenant (AddTenant)
// or retire one (RetireTenant), and a reload or the provisioning API may add
// or remove a tenant's agents, OUs, skill queues and channels (PublishMembers).
// Any thread reads it without a lock. Tenants are spread over shards by a hash
// of their id; a tenant's index within its shard never changes, and a retired
// tenant keeps its index (nothing is erased until a restart).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/base/append_only_array.h"
#include "engine/base/grow_only_index.h"
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
  // nullopt for a tenant not configured, or retired by a reload.
  std::optional<TenantRef> FindTenant(std::string_view tenant_id) const;
  // Every tenant routed here (retired ones left out), in the order they came.
  std::vector<TenantRef> Tenants() const;
  // Index of a channel/agent/OU within its tenant (configuration order; for
  // an agent or an OU, its position in the tenant in effect: TenantConfigs).
  std::optional<std::uint32_t> FindChannel(const TenantRef& t, std::string_view channel_id) const;
  std::optional<std::uint32_t> FindAgent(const TenantRef& t, std::string_view employee_id) const;
  std::optional<std::uint32_t> FindOu(const TenantRef& t, std::string_view ou_id) const;
  std::optional<std::uint32_t> FindQueue(const TenantRef& t, std::string_view queue_id) const;
  // The tenants each shard owns (retired ones too), in shard-local index
  // order: a snapshot.
  std::vector<const config::TenantConfig*> TenantsOfShard(std::uint32_t shard) const;
  // The tenant of `shard` at shard-local `index`. REQUIRES: index below the
  // count of TenantsOfShard (a tenant the caller was given by index).
  const config::TenantConfig& TenantOfShard(std::uint32_t shard, std::uint32_t index) const {
    return *(*shard_tenants_[shard])[index];
  }

  // The shard a tenant of this id goes to, and the index it would get there.
  TenantRef NextRef(const std::string& tenant_id) const;
  // A tenant a reload adds, at NextRef, once its shard's router has it.
  // `tenant` must outlive the directory (its address is TenantRef::config).
  // From one thread at a time (the reload). REQUIRES: an id not known here.
  TenantRef AddTenant(const config::TenantConfig& tenant);
  // From now on FindTenant and Tenants leave the tenant out. Its id is not
  // used again until a restart.
  void RetireTenant(std::string_view tenant_id);
  // Whether a reload retired the tenant.
  bool Retired(std::string_view tenant_id) const;

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
    std::atomic<bool> retired{false};

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
  std::uint32_t ShardOf(std::string_view tenant_id) const;
  void Add(const config::TenantConfig& tenant);

  std::uint32_t shard_count_;
  base::GrowOnlyIndex<TenantEntry> tenants_;
  // Per shard, by shard-local index.
  std::vector<std::unique_ptr<base::AppendOnlyArray<const config::TenantConfig*>>> shard_tenants_;
};

}  // namespace routerd::shard
