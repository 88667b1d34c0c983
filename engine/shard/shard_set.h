// ShardSet: the router shards of the daemon and the way producers reach them.
//
// A Producer holds one moodycamel producer token per shard; each producing
// thread (an I/O thread, a test thread) makes its own and keeps it for its life.
// Submitting resolves nothing by name: callers resolve ids once through the
// RoutingDirectory and pass indices.
//
// Thread safety: Submit* with distinct Producers may run concurrently from any
// threads; Start/Stop from the owning (main) thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/config/config.h"
#include "engine/routing/policy_registry.h"
#include "engine/shard/router_shard.h"
#include "engine/shard/routing_directory.h"
#include "engine/shard/tenant_configs.h"
#include "routerd/clock.h"
#include "routerd/status.h"

namespace routerd::shard {

RouterShardOptions ShardOptionsFromConfig(const config::ServerOptions& server);

class ShardSet {
 public:
  class Producer {
   public:
    explicit Producer(ShardSet& set);
    // Whether contacts are staged and wait for Flush().
    bool has_staged() const { return staged_count_ > 0; }

   private:
    friend class ShardSet;
    std::vector<std::unique_ptr<RouterShard::Queue::ProducerToken>> tokens_;
    std::vector<std::unique_ptr<RouterShard::Queue::ProducerToken>> command_tokens_;
    std::vector<std::vector<ShardInput>> staged_;  // per shard; room already reserved
    std::size_t staged_count_ = 0;
  };

  // `config` must outlive the ShardSet.
  ShardSet(const config::Config& config, const routing::PolicyRegistry& policies, const RouterShardOptions& options,
           const Clock& clock, routing::RoutingEventSink& sink);
  ~ShardSet();

  void Start();
  void Stop();

  const RoutingDirectory& directory() const { return directory_; }
  // Each tenant's configuration in effect (what a reload changed live).
  const TenantConfigs& tenant_configs() const { return tenant_configs_; }
  // A reloaded tenant, once its router applies it: from now on readers off
  // the shard see its agents (TenantConfigs, RoutingDirectory::FindAgent).
  // From one thread at a time (the reload).
  void PublishTenant(std::shared_ptr<const config::TenantConfig> tenant);
  // A tenant a reload adds: its router on its shard first (active unless
  // `active` is false, session ids above `session_id_floor`), then the
  // directory and TenantConfigs, so that whoever finds it finds it routed.
  // `tenant` must outlive the set. Unavailable when its shard did not take
  // it in time (nothing changed then). From one thread at a time (the reload).
  StatusOr<TenantRef> AddTenant(const config::TenantConfig& tenant, bool active, std::uint64_t session_id_floor);
  // From now on the directory leaves the tenant out (RoutingDirectory::RetireTenant).
  void RetireTenant(std::string_view tenant_id) { directory_.RetireTenant(tenant_id); }
  std::uint32_t size() const { return static_cast<std::uint32_t>(shards_.size()); }
  RouterShard& shard(std::uint32_t i) { return *shards_[i]; }

  // All of `contacts` (one channel of one tenant) or none: ResourceExhausted
  // when the shard's queue cannot take them all. Pushes and wakes the shard.
  Status SubmitContacts(Producer& producer, const TenantRef& tenant, std::uint32_t channel,
                        std::span<ContactPtr> contacts, std::uint64_t lease_epoch = 0);
  // The same decision, but the contacts stay on the producer until Flush():
  // once this returns OK they are accepted (their room is reserved). A
  // producer that stages many requests and flushes once wakes each shard once.
  Status StageContacts(Producer& producer, const TenantRef& tenant, std::uint32_t channel,
                       std::span<ContactPtr> contacts, std::uint64_t lease_epoch = 0);
  void Flush(Producer& producer);
  // The same in two steps, for a hand-off that must wait for something else
  // first (the journal commit of durable ingest): reserve room for `n`
  // contacts now (ResourceExhausted when full), then stage them, or give the
  // room back. Reserved room counts against the queue's bound meanwhile.
  Status ReserveContacts(const TenantRef& tenant, std::size_t n);
  void CancelReservation(const TenantRef& tenant, std::size_t n);
  // REQUIRES: room for contacts.size() reserved with ReserveContacts.
  // `lease_epoch`: see ShardInput::lease_epoch.
  void StageReserved(Producer& producer, const TenantRef& tenant, std::uint32_t channel,
                     std::span<ContactPtr> contacts, std::uint64_t lease_epoch = 0);
  // `command.tenant` must be the shard-local index from `tenant`.
  Status SubmitCommand(Producer& producer, const TenantRef& tenant, const routing::AgentCommand& command);

 private:
  RoutingDirectory directory_;
  TenantConfigs tenant_configs_;
  std::vector<std::unique_ptr<RouterShard>> shards_;
};

}  // namespace routerd::shard
