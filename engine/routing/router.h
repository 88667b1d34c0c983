// Router: the routing state of one shard (a set of tenants) and its step
// functions. The shard thread calls these; tests call them directly with
// explicit times, no threads needed.
//
// Thread safety: none. Confined to one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/config/config.h"
#include "engine/routing/policy_registry.h"
#include "engine/routing/routing_events.h"
#include "engine/routing/tenant_router.h"

namespace routerd::routing {

class Router {
 public:
  // `tenants` are the tenants this shard owns; their shard-local index is their
  // position in the span. The configuration must outlive nothing: ids are copied.
  Router(std::span<const config::TenantConfig* const> tenants, const PolicyRegistry& policies,
         const TenantRouterOptions& options);

  void OnContact(std::uint32_t tenant, std::uint32_t channel, ContactPtr contact, std::uint64_t key_hash,
                 std::int64_t now_ns) {
    tenants_[tenant]->OnContact(channel, std::move(contact), key_hash, now_ns);
  }
  void OnCommand(const AgentCommand& command, std::int64_t now_ns) {
    tenants_[command.tenant]->OnCommand(command, now_ns);
  }
  void OnTick(std::int64_t now_ns);

  // Events produced since the last TakeEvents(); the caller hands them on and
  // clears the vector (its capacity is reused).
  std::vector<RoutingEvent>& events() { return events_; }

  std::uint32_t tenant_count() const { return static_cast<std::uint32_t>(tenants_.size()); }
  TenantRouter& tenant(std::uint32_t i) { return *tenants_[i]; }
  const TenantRouter& tenant(std::uint32_t i) const { return *tenants_[i]; }

 private:
  std::vector<RoutingEvent> events_;
  std::vector<std::unique_ptr<TenantRouter>> tenants_;
};

}  // namespace routerd::routing
