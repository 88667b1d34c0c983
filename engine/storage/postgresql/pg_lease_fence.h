// Fencing of a cluster owner's journal batches: which tenant leases this
// instance still holds, read inside the batch's own transaction.
//
// The rows are read FOR SHARE: a Claim by another instance (an UPDATE of the
// row) waits until the batch commits, so a batch that found the lease held at
// its epoch commits before the next owner's epoch exists, and the next owner's
// LoadTenant, which follows its claim, sees it. Rows are locked in tenant
// order, as every multi-row lease statement does (pg_cluster_store.cc), so
// two of them never deadlock.
//
// Thread safety: stateless; PgBatchLeases is a value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/storage/postgresql/pg_connection.h"
#include "routerd/status.h"

namespace routerd::storage {

struct PgBatchLeases {
  std::unordered_map<std::string, std::uint64_t> held;  // tenant -> epoch, of this instance's leases asked for

  bool Holds(const std::string& tenant_id, std::uint64_t epoch) const {
    auto it = held.find(tenant_id);
    return epoch > 0 && it != held.end() && it->second == epoch;
  }
};

// Which of `tenants` `instance_id` holds, at which epoch, locked until the
// end of the transaction. REQUIRES: inside a transaction.
StatusOr<PgBatchLeases> ReadBatchLeases(PgConnection& conn, const std::string& instance_id,
                                        const std::vector<std::string_view>& tenants);

// What a fenced write or read of a tenant whose lease is not held (any more)
// at `epoch` completes with: FailedPrecondition.
Status LeaseNotHeld(const std::string& tenant_id, std::uint64_t epoch);

}  // namespace routerd::storage
