// PgWriter: the one thread that writes a journal partition to PostgreSQL,
// with group commit, and that owns the partition's connection: it reconnects
// by itself when the server goes away.
//
// DESIGN
//
// Producers (I/O threads with a webhook's contacts, router shards with session
// events, REST handlers with leave-message and administration changes) build a
// PgRecord and Submit() it: a push onto the bounded FIFO both backends share
// (RecordQueue), never a wait for the server. The writer thread takes everything queued (up to
// max_batch_records) and writes it in ONE transaction with one COMMIT, so a
// burst shares one round of WAL flush. libpq runs on this thread only.
//
// Rows, not statements. Journal records (contacts, session events) do not run
// statements: they add rows to the batch's PgBulkRows, which become multi-row
// INSERTs (contacts with ON CONFLICT DO NOTHING RETURNING, which tells each
// contact whether its dedup key was new). A record that runs its own
// statements (a leave-message transition, which reads the stored status) first
// has the gathered rows written, so rows are stored in the order their records
// were submitted, which recovery's fold relies on. Such a record runs inside a
// SAVEPOINT: its failure undoes only its writes.
//
// Durability. kSync: COMMIT with the server's synchronous_commit (the webhook's
// 2xx waits for it). kAsync: a batch of journal records only commits with
// synchronous_commit = off (the server may lose its last few hundred ms on a
// crash, never consistency); a batch with a leave-message or administration
// change commits synchronously all the same.
//
// Cluster mode (cluster_instance_id set). A batch with fenced records (the
// owner's session events, contacts whose record names a lease epoch) first
// reads, FOR SHARE, which of their tenants' leases this instance still holds
// (one statement); records not covered by their lease refuse themselves
// alone or hand their contacts to the owner through the inbox. On a single
// node a batch runs exactly the statements it did before.
//
// Faults. When the connection breaks (the server restarted, failed over or
// is unreachable), the batch in flight fails with Unavailable (nothing of it
// is acknowledged: a webhook answers 503 and its provider retries; a commit
// that was in doubt is caught by the dedup key). The writer then reconnects
// with exponential backoff (100 ms to 5 s). Meanwhile the partition is
// degraded: ingress records are refused at Submit with Unavailable, other
// records fail as their batch comes up, and /healthz says so.
//
// Thread safety: Submit, SubmitAll, RequestPrune, stats from any thread;
// Start/Stop/Flush from a thread that is not the writer.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/config/config.h"
#include "engine/storage/postgresql/pg_bulk_rows.h"
#include "engine/storage/postgresql/pg_connection.h"
#include "engine/storage/postgresql/pg_lease_fence.h"
#include "engine/storage/record_queue.h"
#include "engine/storage/storage_types.h"
#include "engine/storage/writer_counters.h"
#include "routerd/clock.h"
#include "routerd/status.h"

namespace routerd::storage {

struct PgWriteContext {
  PgConnection& conn;
  std::int64_t now_ms;  // the batch's stamp: wall clock, never decreasing
  PgBulkRows& rows;
  // Cluster mode: this instance's leases of the batch's fenced tenants, read
  // at its start (pg_lease_fence.h). nullptr on a single node.
  const PgBatchLeases* leases = nullptr;
};

class PgRecord {
 public:
  virtual ~PgRecord() = default;
  // Writer thread, inside the batch transaction (and the record's savepoint
  // when it runs statements). A non-OK result undoes this record only.
  virtual Status Apply(PgWriteContext& ctx) = 0;
  // Writer thread, exactly once: OK once the COMMIT that holds it returned.
  virtual void Complete(const Status& status) = 0;
  // Webhook contacts: refused first when the queue fills or storage is down.
  virtual bool ingress() const { return false; }
  // Only adds rows to ctx.rows (no statements of its own). Its Apply may
  // refuse the record alone, before adding any row, with FailedPrecondition
  // or InvalidArgument (a lease not held, a contact cluster mode cannot hand
  // over): it completes with that and the batch goes on. Any other error
  // fails the batch.
  virtual bool rows_only() const { return false; }
  // Cluster mode: the tenant whose lease (this instance's, ctx.leases) the
  // record needs to know, or nullptr.
  virtual const std::string* fenced_tenant() const { return nullptr; }
};

using PgRecordPtr = std::unique_ptr<PgRecord>;

struct PgWriterOptions {
  std::string conninfo;
  PgSessionSettings session;
  config::Durability durability = config::Durability::kSync;
  // Default: 65536 records queued at most; ingress refused from 3/4 of it.
  std::size_t capacity = 65536;
  // Default: 8192 records per transaction at most.
  std::size_t max_batch_records = 8192;
  // Retention and pruning, as the SQLite backend (prune.h there).
  std::int64_t retention_ms = 604'800'000;
  std::int64_t prune_interval_ms = 60'000;
  std::size_t prune_rows_per_pass = 2000;
  // Pruning runs on partition 0's writer only: the tables are shared.
  bool prunes = true;
  // Cluster mode: this instance's id, whose leases fence the records that ask
  // (PgRecord::fenced_tenant). Empty on a single node: no lease is read.
  std::string cluster_instance_id;
};

struct PgWriterHealth {
  bool connected = false;
  std::string last_error;  // empty while connected
};

class PgWriter {
 public:
  using PruneDone = std::function<void(StatusOr<PruneResult>)>;

  PgWriter(const Clock& clock, PgWriterOptions options);
  ~PgWriter();
  PgWriter(const PgWriter&) = delete;
  PgWriter& operator=(const PgWriter&) = delete;

  // Connects (Unavailable when the server cannot be reached) and starts the
  // thread; records submitted before are written first.
  Status Start();
  // Refuses new records, writes (or, with the server down, fails) everything
  // queued, joins the thread. Idempotent.
  void Stop();

  Status Submit(PgRecordPtr record);
  Status SubmitAll(std::vector<PgRecordPtr> records);
  // Blocks until every record submitted before has completed; the first
  // error of those batches' failures is not reported, only the barrier's.
  Status Flush();
  void RequestPrune(PruneDone done);

  JournalStats stats() const;
  PgWriterHealth health() const;

 private:
  void Run();
  bool EnsureConnected();
  void WriteBatch(std::vector<PgRecordPtr>& batch);
  // Cluster mode: this instance's leases of the batch's fenced tenants.
  Status ReadLeases(const std::vector<PgRecordPtr>& batch, PgBatchLeases& leases);
  void FailBatch(std::vector<PgRecordPtr>& batch, const Status& status);
  void RunPrunePass();
  // The connection is gone: ingress is refused until it is back.
  void Disconnected(std::string why);

  const Clock& clock_;
  const PgWriterOptions options_;

  // Its mutex also guards the members marked so.
  RecordQueue<PgRecordPtr> queue_;
  std::vector<PruneDone> prune_requests_;  // guarded by queue_.mutex()
  bool started_ = false;                   // guarded by queue_.mutex()
  std::string last_error_;                 // guarded by queue_.mutex()
  std::thread thread_;

  // Writer thread only (and Start, before the thread runs).
  std::unique_ptr<PgConnection> conn_;
  std::chrono::steady_clock::time_point next_connect_;
  std::chrono::milliseconds backoff_{100};
  std::int64_t last_stamp_ms_ = 0;
  std::vector<PruneDone> prune_waiters_;
  PruneResult prune_total_;
  std::int64_t prune_cutoff_ms_ = 0;

  std::atomic<bool> connected_{false};
  WriterCounters counters_;
};

}  // namespace routerd::storage
