// TenantConfigs: each tenant's configuration in effect: the file's at
// start-up, then the agents as a reload changed them live (moved to another
// OU or queue, given other skills, a name, ...). The caps and limits in
// effect are the router's (TenantRouter), the tokens the Authenticator's.
//
// RoutingDirectory's TenantRef::config stays the start-up configuration: it
// holds what changes only with a restart (ids, channels, queues, OUs), and
// the indices the routers use come from it. What a reload may change is read
// here: a reader takes a snapshot for one operation (one request, one
// allocation pass) and keeps no reference into it beyond that.
//
// Thread safety: Get from any thread, lock-free on the reader's side
// (std::atomic<std::shared_ptr>); Publish from one thread at a time (the
// reload holds its mutex).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/config/config.h"

namespace routerd::shard {

class TenantConfigs {
 public:
  // `startup` must outlive this; its tenants are served without a copy.
  explicit TenantConfigs(const config::Config& startup);

  // nullptr for a tenant the start-up configuration does not have.
  std::shared_ptr<const config::TenantConfig> Get(std::string_view tenant_id) const;
  // `tenant` replaces the one of the same id. REQUIRES: a start-up tenant, in
  // the same order of agents (the routers' indices).
  void Publish(std::shared_ptr<const config::TenantConfig> tenant);

 private:
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using Slot = std::atomic<std::shared_ptr<const config::TenantConfig>>;
  // Built once; only the slots' contents change.
  std::unordered_map<std::string, std::unique_ptr<Slot>, NameHash, std::equal_to<>> tenants_;
};

}  // namespace routerd::shard
