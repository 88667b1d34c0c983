// Router: the routing state of one shard (a set of tenants) and its step
// functions. The shard thread calls these; tests call them directly with
// explicit times, no threads needed.
//
// Cluster mode: a tenant is routed by one instance at a time. While another
// instance routes it, it is inactive here: its inputs are ignored (contacts
// dropped, commands refused, no timeouts), and ResetTenant drops its routing
// state. On taking it (back), the caller restores it from storage
// (TenantRouter::Restore, FinishRestore) and activates it. On a single node
// every tenant stays active.
//
// Thread safety: confined to one thread (the shard's), but for tenant(i) and
// tenant_count(), which any thread may call for a tenant it knows (the
// metrics threads read queue statistics): a tenant added later never moves
// the others.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "engine/base/append_only_array.h"
#include "engine/config/config.h"
#include "engine/routing/policy_registry.h"
#include "engine/routing/routing_events.h"
#include "engine/routing/tenant_router.h"

namespace routerd::routing {

class Router {
 public:
  // The error of a command to an inactive tenant (kFailedPrecondition).
  static constexpr std::string_view kNotRoutedHere = "this instance does not route the tenant now";

  // `tenants` are the tenants this shard owns; their shard-local index is their
  // position in the span. The configuration must outlive nothing: ids are copied.
  // `policies` must outlive the router.
  Router(std::span<const config::TenantConfig* const> tenants, const PolicyRegistry& policies,
         const TenantRouterOptions& options);

  // A tenant a reload adds, at the next shard-local index (returned); active.
  std::uint32_t AddTenant(const config::TenantConfig& tenant);

  // An inactive tenant's contact is dropped without an event: the instance
  // that routes the tenant recovers it from storage.
  void OnContact(std::uint32_t tenant, std::uint32_t channel, ContactPtr contact, std::uint64_t key_hash,
                 std::int64_t now_ns) {
    if (!active_[tenant]) [[unlikely]] return;
    tenants_[tenant]->OnContact(channel, std::move(contact), key_hash, now_ns);
  }
  // An inactive tenant's command is not applied; it is answered with
  // kFailedPrecondition and kNotRoutedHere when a reply is wanted.
  void OnCommand(const AgentCommand& command, std::int64_t now_ns) {
    TenantRouter& t = *tenants_[command.tenant];
    if (!active_[command.tenant]) [[unlikely]] {
      t.ReplyToCommand(command, StatusCode::kFailedPrecondition, kNotRoutedHere);
      return;
    }
    t.OnCommand(command, now_ns);
  }
  // Inactive tenants are skipped: their sessions neither wait out nor idle
  // out here.
  void OnTick(std::int64_t now_ns);

  // Silently back to a freshly constructed tenant router (TenantRouter::Reset):
  // statistics references and the views of events already emitted stay valid.
  void ResetTenant(std::uint32_t tenant) { tenants_[tenant]->Reset(); }
  // Every tenant starts active.
  void SetTenantActive(std::uint32_t tenant, bool active) { active_[tenant] = active; }
  bool TenantActive(std::uint32_t tenant) const { return active_[tenant]; }

  // Events produced since the last TakeEvents(); the caller hands them on and
  // clears the vector (its capacity is reused).
  std::vector<RoutingEvent>& events() { return events_; }

  std::uint32_t tenant_count() const { return static_cast<std::uint32_t>(tenants_.size()); }
  TenantRouter& tenant(std::uint32_t i) { return *tenants_[i]; }
  const TenantRouter& tenant(std::uint32_t i) const { return *tenants_[i]; }

 private:
  const PolicyRegistry& policies_;
  const TenantRouterOptions options_;
  std::vector<RoutingEvent> events_;
  base::AppendOnlyArray<std::unique_ptr<TenantRouter>> tenants_;
  std::vector<std::uint8_t> active_;  // per tenant; bytes, not vector<bool>, for a plain load per input
};

}  // namespace routerd::routing
