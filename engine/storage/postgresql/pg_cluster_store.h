// PgClusterStore: cluster mode's leases, instances and inbox (cluster_store.h)
// in the shared PostgreSQL database (schema version 2: cluster_instances,
// tenant_leases, contact_inbox).
//
// Only the server's clock (now()) decides liveness and expiry, so instances
// whose clocks disagree still agree on who owns what. Every lease change is
// one statement. Statements that lock several lease rows lock them in tenant
// order (as the journal writer's fence, pg_lease_fence.h), so they never
// deadlock with each other. A REPEATABLE READ read (LoadTenant) that meets a
// concurrent change of what it locks or deletes fails with Unavailable: try
// again.
//
// Each session is one connection of its own (never a writer's or a reader's
// from the pool), since LISTEN stays with its connection.
//
// Thread safety: Connect from any thread; a session as ClusterSession.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/storage/cluster_store.h"
#include "engine/storage/postgresql/pg_connection.h"

namespace routerd::storage {

class PgClusterStore final : public ClusterStore {
 public:
  explicit PgClusterStore(std::string conninfo, PgSessionSettings settings = {})
      : conninfo_(std::move(conninfo)), settings_(std::move(settings)) {}

  StatusOr<std::unique_ptr<ClusterSession>> Connect() override;

 private:
  const std::string conninfo_;
  const PgSessionSettings settings_;
};

class PgClusterSession final : public ClusterSession {
 public:
  explicit PgClusterSession(std::unique_ptr<PgConnection> conn) : conn_(std::move(conn)) {}

  Status Heartbeat(const std::string& instance_id, const std::string& url, bool leaving) override;
  StatusOr<std::vector<ClusterInstance>> LiveInstances(std::chrono::milliseconds lease) override;
  StatusOr<std::vector<TenantLease>> Leases() override;
  StatusOr<std::vector<HeldLease>> Renew(const std::string& instance_id, const std::vector<HeldLease>& held,
                                         std::chrono::milliseconds lease) override;
  StatusOr<std::optional<std::uint64_t>> Claim(const std::string& instance_id, const std::string& tenant_id,
                                               std::chrono::milliseconds lease) override;
  Status Release(const std::string& instance_id, const HeldLease& lease) override;
  Status AnnounceMembership() override;
  StatusOr<OpenState> LoadTenant(const std::string& instance_id, const HeldLease& lease) override;
  StatusOr<std::vector<ContactPtr>> TakeInbox(const std::string& instance_id, const std::vector<HeldLease>& held,
                                              std::size_t limit) override;
  Status Listen(const std::string& channel) override;
  StatusOr<std::vector<ClusterNotification>> Wait(std::chrono::milliseconds timeout) override;

 private:
  // Those of `held` this instance still holds at their epochs, locked FOR
  // SHARE until the transaction ends.
  StatusOr<std::vector<std::string>> LockHeld(const std::string& instance_id, const std::vector<HeldLease>& held);

  std::unique_ptr<PgConnection> conn_;
};

}  // namespace routerd::storage
