// PgStorage: the PostgreSQL backend. Journal partitions are PgWriters over
// one shared set of tables (PgWriterSet), reads go through a small pool of
// their own connections (PgReaderPool), leave messages (voice files included)
// and run-time administration live in the same database, so every instance
// that uses it sees them.
//
// Connections per instance: one per partition (the writers) plus at most
// kReaderConnections for reads, plus one per ClusterSession in cluster mode.
//
// Thread safety: as Storage.
#pragma once

#include <memory>
#include <string>

#include "engine/storage/postgresql/pg_administration_store.h"
#include "engine/storage/postgresql/pg_cluster_store.h"
#include "engine/storage/postgresql/pg_leave_store.h"
#include "engine/storage/postgresql/pg_reader_pool.h"
#include "engine/storage/postgresql/pg_writer_set.h"
#include "engine/storage/storage.h"

namespace routerd::storage {

class PgStorage final : public Storage {
 public:
  static constexpr std::size_t kReaderConnections = 4;

  // Connects, brings the schema up to date (refusing a newer one) and builds
  // the writers; Start() connects them.
  static StatusOr<std::unique_ptr<PgStorage>> Open(const StorageOptions& options, const Clock& clock);
  ~PgStorage() override;

  Status Start() override;
  void Stop() override;
  Status Flush() override;
  Status AppendContacts(AcceptedContacts record, AcceptedContactsDone done) override;
  Status AppendSessionEvents(std::vector<SessionEvent> events, SessionEventsDone done) override;
  // Cluster mode: fenced by the lease (pg_journal_records.h); events of more
  // than one tenant are refused with InvalidArgument (done does not run). On
  // a single node, AppendSessionEvents.
  Status AppendFencedSessionEvents(std::vector<SessionEvent> events, std::uint64_t lease_epoch,
                                   SessionEventsDone done) override;
  leave::LeaveRepository& leave_messages() override { return *leave_; }
  AdministrationRepository& administration() override { return *administration_; }
  ClusterStore* cluster() override { return cluster_.get(); }
  // On a connection of the reader pool.
  StatusOr<std::optional<StoredSessionTrace>> LoadSessionTrace(const std::string& tenant_id,
                                                                std::uint64_t session_id) override;
  StatusOr<OpenState> LoadOpenState() override;
  void RequestPrune(PruneDone done) override;
  JournalStats stats() const override;
  std::string Degraded() const override;
  std::string Describe() const override;

 private:
  PgStorage(const StorageOptions& options, const Clock& clock, std::string server);

  const std::string server_;  // for Describe(): host:port/database
  const bool clustered_;      // cluster_instance_id set: journal batches are fenced
  std::unique_ptr<PgReaderPool> readers_;
  std::unique_ptr<PgWriterSet> writers_;
  std::unique_ptr<PgLeaveStore> leave_;
  std::unique_ptr<PgAdministrationStore> administration_;
  std::unique_ptr<PgClusterStore> cluster_;
};

}  // namespace routerd::storage
