// SqliteStorage: the embedded backend. A PartitionSet of database files, each
// with its own writer thread, and the leave-message and administration
// repositories on the same partitions. Appends go to the partition of their
// tenant; a router batch whose events span partitions is split, one record per
// partition.
//
// Thread safety: as Storage.
#pragma once

#include <memory>
#include <string>

#include "engine/storage/sqlite/partition_set.h"
#include "engine/storage/sqlite/sqlite_administration_store.h"
#include "engine/storage/sqlite/sqlite_leave_store.h"
#include "engine/storage/storage.h"

namespace routerd::storage {

class SqliteStorage final : public Storage {
 public:
  static StatusOr<std::unique_ptr<SqliteStorage>> Open(const StorageOptions& options, const Clock& clock);
  ~SqliteStorage() override;

  Status Start() override;
  void Stop() override;
  Status Flush() override;
  Status AppendContacts(AcceptedContacts record, AcceptedContactsDone done) override;
  Status AppendSessionEvents(std::vector<SessionEvent> events, SessionEventsDone done) override;
  leave::LeaveRepository& leave_messages() override { return *leave_; }
  AdministrationRepository& administration() override { return *administration_; }
  // From the tenant's partition file, on one of its reader connections.
  StatusOr<std::optional<StoredSessionTrace>> LoadSessionTrace(const std::string& tenant_id,
                                                                std::uint64_t session_id) override;
  StatusOr<OpenState> LoadOpenState() override;
  void RequestPrune(PruneDone done) override;
  JournalStats stats() const override;
  std::string Describe() const override;

  PartitionSet& partitions() { return *partitions_; }

 private:
  explicit SqliteStorage(std::unique_ptr<PartitionSet> partitions, const Clock& clock, std::size_t max_voice_bytes);

  std::unique_ptr<PartitionSet> partitions_;
  std::unique_ptr<SqliteLeaveStore> leave_;
  std::unique_ptr<SqliteAdministrationStore> administration_;
};

}  // namespace routerd::storage
