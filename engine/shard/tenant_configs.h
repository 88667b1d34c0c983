// TenantConfigs: each tenant's configuration in effect: the file's at
// start-up, then the agents as a reload changed them live (moved to another
// OU or queue, given other skills, a name, ...). The caps and limits in
// effect are the router's (TenantRouter), the tokens the Authenticator's.
//
// RoutingDirectory's TenantRef::config stays the configuration the tenant
// started with (the start-up file's, or the reload's that added it): its id,
// the dialer and the other keys that change only with a restart. What a
// reload or the API may change is read here: a reader takes a snapshot for one operation (one request, one
// allocation pass) and keeps no reference into it beyond that.
//
// A tenant a reload adds joins with Add; one it retires keeps its last
// configuration here (a reader that still holds its id finds it).
//
// Thread safety: Get from any thread, lock-free on the reader's side
// (std::atomic<std::shared_ptr>); Add and Publish from one thread at a time
// (the reload holds its mutex).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include "engine/base/grow_only_index.h"
#include "engine/config/config.h"

namespace routerd::shard {

class TenantConfigs {
 public:
  // `startup` must outlive this; its tenants are served without a copy.
  explicit TenantConfigs(const config::Config& startup);

  // nullptr for a tenant neither the start-up configuration nor a reload gave.
  std::shared_ptr<const config::TenantConfig> Get(std::string_view tenant_id) const;
  // `tenant` replaces the one of the same id. REQUIRES: a tenant known here,
  // in the same order of agents (the routers' indices).
  void Publish(std::shared_ptr<const config::TenantConfig> tenant);
  // A tenant a reload adds. REQUIRES: an id not known here.
  void Add(std::shared_ptr<const config::TenantConfig> tenant);

 private:
  using Slot = std::atomic<std::shared_ptr<const config::TenantConfig>>;
  // Only the slots' contents change, and tenants are added.
  base::GrowOnlyIndex<Slot> tenants_;
};

}  // namespace routerd::shard
