#include "engine/storage/storage.h"

#include <algorithm>

#include "engine/storage/postgresql/pg_storage.h"
#include "engine/storage/sqlite/sqlite_storage.h"

namespace routerd::storage {

const std::string& TenantOf(const SessionEvent& event) {
  return std::visit([](const auto& e) -> const std::string& { return e.tenant_id; }, event);
}

JournalStats& JournalStats::operator+=(const JournalStats& o) {
  batches += o.batches;
  records += o.records;
  commits += o.commits;
  failed_batches += o.failed_batches;
  last_batch_records = std::max(last_batch_records, o.last_batch_records);
  max_batch_records = std::max(max_batch_records, o.max_batch_records);
  queue_depth += o.queue_depth;
  refused += o.refused;
  prune_passes += o.prune_passes;
  pruned_contacts += o.pruned_contacts;
  pruned_session_events += o.pruned_session_events;
  reconnects += o.reconnects;
  unavailable_partitions += o.unavailable_partitions;
  return *this;
}

StatusOr<std::unique_ptr<Storage>> OpenStorage(const StorageOptions& options, const Clock& clock) {
  if (options.backend == "sqlite") {
    StatusOr<std::unique_ptr<SqliteStorage>> s = SqliteStorage::Open(options, clock);
    if (!s.ok()) return s.status();
    return std::unique_ptr<Storage>(std::move(s).value());
  }
  if (options.backend == "postgresql") {
    StatusOr<std::unique_ptr<PgStorage>> s = PgStorage::Open(options, clock);
    if (!s.ok()) return s.status();
    return std::unique_ptr<Storage>(std::move(s).value());
  }
  return Status::InvalidArgument("storage backend \"" + options.backend + "\" is not known (known: sqlite, postgresql)");
}

}  // namespace routerd::storage
