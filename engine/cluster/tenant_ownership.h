// TenantOwnership: which tenants this instance routes now, under which lease
// epoch, until when by its own monotonic clock, and where the others are
// routed. Read on every hot path that needs it (ingest, the agent API, the
// commit gate), written by the cluster member's thread.
//
// On a single node (cluster mode off) every tenant is routed here, always,
// with epoch 0: callers need no special case.
//
// Why a local deadline besides the database's lease: the database decides
// who owns a tenant, but an owner that was paused (SIGSTOP, a stall, a cut to
// the database) learns it lost the lease only when it next talks to the
// database. So each renewal also sets a deadline on the monotonic clock that
// ends before the lease can expire in the database; past it the instance
// neither routes nor pushes anything for the tenant, whatever it has not yet
// heard.
//
// Thread safety: every method from any thread but AddTenant (one thread at a
// time: the reload). Tenants are only added; per-tenant state is atomics;
// owner URLs are under a mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/grow_only_index.h"
#include "engine/config/config.h"
#include "routerd/clock.h"

namespace routerd::cluster {

class TenantOwnership {
 public:
  // `clock` (monotonic NowNs) must outlive this.
  TenantOwnership(const config::Config& config, const Clock& clock);

  bool enabled() const { return enabled_; }

  // The epoch under which this instance routes `tenant_id` now, or 0 when it
  // does not (or its local deadline has passed). Always 0 on a single node.
  std::uint64_t Epoch(std::string_view tenant_id) const;
  // Whether the tenant is routed here now: always on a single node.
  bool RoutedHere(std::string_view tenant_id) const;
  // Whether this instance still holds the tenant at exactly `epoch`, by its
  // local deadline: what may be pushed for the tenant under that epoch.
  bool HeldAt(std::string_view tenant_id, std::uint64_t epoch) const;
  // The URL of the instance that routes the tenant, as last read from the
  // database (this instance's own URL when it does); nullopt when nobody
  // holds its lease now.
  std::optional<std::string> OwnerUrl(std::string_view tenant_id) const;
  // Tenants routed here now.
  std::size_t owned() const;
  // Tenants routed here now, with their epochs.
  std::vector<std::pair<std::string, std::uint64_t>> Held() const;

  // A tenant a reload added: not routed here until Publish.
  void AddTenant(const std::string& tenant_id);

  // --- the cluster member's side ---
  // The tenant is routed here from now on under `epoch`.
  void Publish(std::string_view tenant_id, std::uint64_t epoch, std::int64_t valid_until_ns);
  // Not routed here any more (lost, handed over, stepping down).
  void Withdraw(std::string_view tenant_id);
  // A renewal succeeded for every tenant still held: their deadline moves.
  void ExtendHeld(std::int64_t valid_until_ns);
  // Owner URL per tenant id, from the last read of the leases.
  void SetOwnerUrls(std::map<std::string, std::string> urls);

 private:
  struct Entry {
    explicit Entry(std::string tenant_id) : id(std::move(tenant_id)) {}
    const std::string id;
    std::atomic<std::uint64_t> epoch{0};
    std::atomic<std::int64_t> valid_until_ns{0};
  };
  const Entry* Find(std::string_view tenant_id) const;
  Entry* Find(std::string_view tenant_id);

  const bool enabled_;
  const std::string self_url_;
  const Clock& clock_;
  base::GrowOnlyIndex<Entry> tenants_;
  mutable std::mutex mu_;
  std::map<std::string, std::string, std::less<>> owner_urls_;  // guarded by mu_
};

}  // namespace routerd::cluster
