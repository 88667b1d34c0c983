// PartitionSet: the SQLite journal's partitions. Each partition is one
// database file with its own writer thread (JournalWriter), so partitions
// commit in parallel; every record of a tenant goes to the tenant's partition,
// in order.
//
// Files: partition 0 is <data_dir>/routerd.db (the single file of earlier
// versions), partition i > 0 is <data_dir>/routerd-<i>.db.
//
// Where a tenant lives is recorded in its partition's `tenants` table when the
// tenant is first seen and never changes: a tenant's contacts, sessions and
// leave messages stay together whatever the configured count becomes later.
//   - More partitions than files: the new files are created; tenants already
//     stored stay where they are, new tenants go to the partition holding the
//     fewest tenants.
//   - Fewer partitions than files: every existing file is still opened and
//     written for the tenants it holds (nothing is lost); new tenants go only
//     to the first `partitions` ones.
// A tenant recorded in two files is refused at open (a copied file?).
//
// Thread safety: ForTenant from any thread (configured tenants are looked up
// without a lock; a tenant first seen at run time takes a mutex once). The
// rest from the thread that opened the set.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/storage/sqlite/database.h"
#include "engine/storage/sqlite/journal_writer.h"
#include "engine/storage/storage.h"
#include "routerd/clock.h"

namespace routerd::storage {

struct Partition {
  int index = 0;
  std::unique_ptr<Database> db;
  std::unique_ptr<JournalWriter> writer;
};

class PartitionSet {
 public:
  // Opens (creating when missing) every partition file and records the
  // partitions of the configured tenants not yet stored.
  static StatusOr<std::unique_ptr<PartitionSet>> Open(const StorageOptions& options, const Clock& clock);
  ~PartitionSet();

  // The tenant's partition. A tenant never seen before is given one and
  // recorded through that partition's writer, ahead of the tenant's first
  // record; until a record of it has committed, it is sent again ahead of
  // each later record (it is idempotent), so a tenant's rows never sit in a
  // file that does not say it holds the tenant for longer than one batch.
  Partition& ForTenant(std::string_view tenant_id);
  // The tenant's partition when it has one (stored, configured, or given one
  // since open), else nullptr. Unlike ForTenant, never gives one: a read
  // about a tenant never stored must not record it.
  Partition* Find(std::string_view tenant_id);
  std::size_t size() const { return partitions_.size(); }
  Partition& at(std::size_t i) { return *partitions_[i]; }
  const Partition& at(std::size_t i) const { return *partitions_[i]; }
  const std::string& data_dir() const { return data_dir_; }

  // File name of partition `index` under the data directory.
  static std::string FileName(int index);

 private:
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using TenantMap = std::unordered_map<std::string, int, NameHash, std::equal_to<>>;

  PartitionSet(std::string data_dir, int new_tenant_partitions)
      : data_dir_(std::move(data_dir)), new_tenant_partitions_(new_tenant_partitions) {}
  int LeastLoaded() const;

  std::string data_dir_;
  int new_tenant_partitions_;
  std::vector<std::unique_ptr<Partition>> partitions_;
  std::vector<std::size_t> tenant_counts_;  // per partition; guarded by late_mu_ after Open
  TenantMap tenants_;                       // immutable after Open: read without a lock
  struct LateTenant {
    int index = 0;
    bool recorded = false;  // a tenant record of it has committed
  };
  std::mutex late_mu_;
  std::unordered_map<std::string, LateTenant, NameHash, std::equal_to<>> late_tenants_;  // guarded by late_mu_
};

}  // namespace routerd::storage
