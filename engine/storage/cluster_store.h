// ClusterStore: what cluster mode needs from the shared database, and nothing
// of how it is kept: the live instances, the tenant leases with their fencing
// epochs, a tenant's open state when an instance takes it over, and the
// contacts other instances stored for a tenant's owner (the inbox).
//
// Leases. A tenant is routed by the instance that holds its lease. Only the
// database's clock decides expiry: Claim takes a tenant whose lease is absent,
// released or expired and gives it a new epoch (the previous one + 1); Renew
// extends the leases still held at their epoch. Every journal batch of an
// owner checks its (tenant, owner, epoch) inside its own transaction (the
// journal writer does that, see Storage), so an owner that lost a lease can
// neither store nor, since it pushes only after the commit, deliver anything
// for the tenant.
//
// Inbox. A contact stored by an instance that does not own its tenant gets an
// inbox row in the same transaction, and a NOTIFY on kInboxChannel with the
// tenant id as payload is sent at its commit. The owner takes rows with
// TakeInbox (fenced like a journal batch: rows of a tenant whose lease is not
// held at the given epoch stay). A row taken whose contact the owner then
// fails to route is not lost: the contact is pending by its state (named by no
// session event) and the next owner's LoadTenant brings it back.
//
// Thread safety: a ClusterSession is one connection: one thread at a time.
// Connect() from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/storage/storage_types.h"
#include "routerd/contact.h"
#include "routerd/status.h"

namespace routerd::storage {

// NOTIFY channels. Payload: the tenant id.
inline constexpr const char* kInboxChannel = "routerd_inbox";
// Payload: the tenant id released, or empty when an instance joined or left.
inline constexpr const char* kLeasesChannel = "routerd_leases";

struct ClusterInstance {
  std::string id;
  std::string url;
};

struct TenantLease {
  std::string tenant_id;
  std::string owner;        // empty: released
  std::uint64_t epoch = 0;  // > 0
  bool expired = false;     // by the database's clock, at the read
};

struct HeldLease {
  std::string tenant_id;
  std::uint64_t epoch = 0;
};

struct ClusterNotification {
  std::string channel;
  std::string payload;
};

class ClusterSession {
 public:
  virtual ~ClusterSession() = default;

  // Records this instance (inserted or updated) with heartbeat = now() by the
  // database's clock. `leaving`: a clean shutdown has begun; others stop
  // counting it as live at once.
  virtual Status Heartbeat(const std::string& instance_id, const std::string& url, bool leaving) = 0;
  // Instances not leaving whose heartbeat is younger than `lease` by the
  // database's clock, ordered by id.
  virtual StatusOr<std::vector<ClusterInstance>> LiveInstances(std::chrono::milliseconds lease) = 0;
  // Every tenant lease row, ordered by tenant id.
  virtual StatusOr<std::vector<TenantLease>> Leases() = 0;
  // Extends to now() + lease each of `held` whose row is still (owner, epoch)
  // and returns those; the others were lost.
  virtual StatusOr<std::vector<HeldLease>> Renew(const std::string& instance_id, const std::vector<HeldLease>& held,
                                                 std::chrono::milliseconds lease) = 0;
  // Takes the tenant when its lease is absent, released or expired: owner =
  // instance_id, epoch + 1 (1 for a new row), expiry now() + lease. One
  // statement. nullopt when another instance holds a lease that has not
  // expired.
  virtual StatusOr<std::optional<std::uint64_t>> Claim(const std::string& instance_id, const std::string& tenant_id,
                                                       std::chrono::milliseconds lease) = 0;
  // Gives the lease up when it is still (owner, epoch): no owner, expired now,
  // and a NOTIFY on kLeasesChannel. Never touches another instance's lease.
  virtual Status Release(const std::string& instance_id, const HeldLease& lease) = 0;
  // NOTIFY on kLeasesChannel with an empty payload (an instance joined or is leaving).
  virtual Status AnnounceMembership() = 0;
  // What an owner needs to route `tenant_id` after a claim, in one snapshot:
  // its open sessions (waiting and assigned), its pending contacts (accepted,
  // named by no session event), its largest stored session id. The tenant's
  // inbox rows are deleted in the same transaction: the pending contacts
  // include them. REQUIRES the lease held at `epoch` (checked, FailedPrecondition otherwise).
  virtual StatusOr<OpenState> LoadTenant(const std::string& instance_id, const HeldLease& lease) = 0;
  // Takes (deletes and returns) up to `limit` inbox contacts of the tenants in
  // `held` whose lease is still (instance, epoch), oldest first.
  virtual StatusOr<std::vector<ContactPtr>> TakeInbox(const std::string& instance_id,
                                                      const std::vector<HeldLease>& held, std::size_t limit) = 0;

  // LISTEN on `channel` (this session's connection keeps listening).
  virtual Status Listen(const std::string& channel) = 0;
  // Waits up to `timeout` for notifications (returns at the first ones, or
  // empty at the timeout). Unavailable when the connection broke: the
  // notifications sent meanwhile are lost (poll, then Listen again on a new
  // session).
  virtual StatusOr<std::vector<ClusterNotification>> Wait(std::chrono::milliseconds timeout) = 0;
};

class ClusterStore {
 public:
  virtual ~ClusterStore() = default;
  // A new connection (Unavailable when the server cannot be reached).
  virtual StatusOr<std::unique_ptr<ClusterSession>> Connect() = 0;
};

}  // namespace routerd::storage
