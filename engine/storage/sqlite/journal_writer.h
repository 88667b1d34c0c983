// JournalWriter: the one thread that writes a journal partition file, with
// group commit.
//
// DESIGN
//
// What runs where. Producers on any thread (I/O threads with a webhook's
// contacts, router shards with session events and leave messages, REST
// handlers with leave-message transitions) build a JournalRecord and Submit()
// it. Submit takes a mutex for a push onto a bounded FIFO and returns at once:
// OK (queued), ResourceExhausted (full: the webhook answers 503 and the
// provider retries) or Unavailable (stopping). It never blocks on disk and
// never waits for the writer. The writer thread is the only user of the
// database's write connection; nothing else writes.
//
// Batching. The writer sleeps until the queue is non-empty, then takes
// everything queued (up to max_batch_records) and writes it in ONE transaction
// (its accepted contacts as ONE contact_log row, contact_log.h, and its
// session events as ONE event_log row, event_log.h):
// BEGIN IMMEDIATE, each record that may fail alone applied inside its own
// SAVEPOINT (the others directly), COMMIT. With
// synchronous=FULL in WAL mode the COMMIT is one fsync of the WAL, so the cost
// of the fsync is shared by every record of the batch: the busier the daemon,
// the larger the batches (records arriving during a commit form the next
// batch). Producers wake the writer only when they push onto an empty queue,
// so a burst costs one wake-up, not one per record.
//
// Ordering. The queue is one FIFO under one mutex (RecordQueue), not
// per-producer queues: if submitting A happens before submitting B (e.g. an
// I/O thread journals a contact, then hands it to the router, which journals
// the session that contains it), A is written before B, in the same or an
// earlier batch. Recovery relies on this.
//
// What a completion means. Each accepted record's Complete() is called exactly
// once, on the writer thread, after its batch: with OK only when the COMMIT
// that holds the record has returned, i.e. the record is on disk and survives
// a crash (sync durability: the webhook is acknowledged here). With a record's
// own error (FailedPrecondition for an illegal leave-message transition, ...)
// that record's writes were undone by its savepoint and the rest of the batch
// is unaffected. If BEGIN or COMMIT fails (disk full, I/O error) every record
// of the batch gets that error and none of them is stored. A record refused by
// Submit is destroyed without Complete(). Completions must be quick and must
// not block: they run on the writer thread and delay the next batch (hand the
// result to an io_context with post(), do not call Flush() from one).
//
// Back-pressure. capacity bounds the queue. Ingress records (webhook contacts)
// are refused earlier, at ingress_capacity, so that session events and leave
// messages produced from contacts already accepted still find room.
//
// Time. Every batch is stamped with the wall clock, never below the stamp of
// the batch before (a clock stepping back does not reorder the journal): rows
// are in time order by seq, which pruning relies on.
//
// Dedup keys (contact_keys.h). An accepted contact's key is stored only in
// its contact_log row; the writer indexes the partition's keys in memory,
// reads them from the log in Start(), and claims a contact's key against the
// index inside its batch. A batch that does not commit takes its claims back
// out, so a provider's retry of it is new.
//
// Pruning (prune.h). Between batches, when prune_interval_ms has passed or
// RequestPrune() was called, the writer deletes the oldest rows past
// retention_ms by seq ranges: contact_log rows with their contacts' durable
// dedup keys, and session events, except those of sessions still open. At most prune_rows_per_pass
// rows of each per pass, one short transaction per pass, so a large backlog
// of old rows is removed over several passes interleaved with batches and
// never stalls ingest for long. The writer knows which sessions are open (it
// writes every opening and end; OpenSessionIndex), so pruning reads no index
// the hot path does not need.
//
// Thread safety: Submit, SubmitAll, RequestPrune, stats from any thread.
// Start/Stop/Flush from a thread that is not the writer thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/storage/record_queue.h"
#include "engine/storage/sqlite/contact_keys.h"
#include "engine/storage/sqlite/database.h"
#include "engine/storage/sqlite/event_log.h"
#include "engine/storage/sqlite/prune.h"
#include "engine/storage/sqlite/sqlite_connection.h"
#include "engine/storage/writer_counters.h"
#include "routerd/clock.h"
#include "routerd/status.h"

namespace routerd::storage {

// What a record sees while the writer applies it.
struct WriteContext {
  SqliteConnection& conn;
  std::int64_t now_ms;          // the batch's stamp: wall clock, never decreasing
  const std::string& data_dir;  // for files written next to the database
  int partition;                // the partition's index (names its files)
  // Openings and ends written by this batch; applied once it commits.
  OpenSessionIndex::Changes& open_sessions;
  // The contacts this batch accepts: one contact_log row, written before the
  // commit when not empty.
  ContactLogBatch& contact_log;
  // The session events this batch writes but traces: one event_log row,
  // written before the commit when not empty.
  EventLogBuilder& event_log;
};

class JournalRecord {
 public:
  virtual ~JournalRecord() = default;
  // Writer thread, inside the batch transaction and the record's savepoint. A
  // non-OK result rolls back this record's writes only. Must not Complete().
  virtual Status Apply(WriteContext& ctx) = 0;
  // Writer thread, exactly once: OK when the record is durably committed;
  // otherwise the record's own Apply error, or the batch's BEGIN/COMMIT error.
  // A record that made side effects outside the database (a voice file)
  // removes them here when the status is not OK.
  virtual void Complete(const Status& status) = 0;
  // Ingress records (webhook contacts) are refused first when the queue fills.
  virtual bool ingress() const { return false; }
  // Whether Apply can fail on its own (a leave-message transition the stored
  // status refuses): such a record runs inside a SAVEPOINT, so its failure
  // undoes only its writes. A record that returns an error only when storage
  // itself fails says false and saves the two statements: its error then fails
  // the whole batch, as a failed COMMIT would.
  virtual bool may_fail_alone() const { return true; }
};

using JournalRecordPtr = std::unique_ptr<JournalRecord>;

struct JournalWriterOptions {
  // Default: 65536 records queued at most.
  std::size_t capacity = 65536;
  // Default: 0, meaning capacity * 3 / 4. Ingress records are refused from here.
  std::size_t ingress_capacity = 0;
  // Default: 8192. Most records written in one transaction.
  std::size_t max_batch_records = 8192;
  // Default: 0, a batch starts as soon as records wait. With N > 0 batches
  // start at most every N ms (earlier when max_batch_records wait): for async
  // durability, where nobody waits for the commit, fewer and larger commits
  // cost the core far fewer fsyncs.
  std::int64_t commit_interval_ms = 0;
  // Default: 7 days, the longest provider retry horizon (channels.md §9).
  std::int64_t retention_ms = 604'800'000;
  // Default: 60 s. How often the writer prunes; 0 prunes only on RequestPrune().
  std::int64_t prune_interval_ms = 60'000;
  // Default: 2000. Bound on the rows of each kind one prune pass deletes.
  std::size_t prune_rows_per_pass = 2000;
};

// What a writer indexes in memory from its partition's logs: which sessions
// are open and the stored dedup keys. Start() reads them from the file
// unless Preload() handed them over.
struct WriterIndexes {
  OpenSessionIndex open_sessions;
  ContactKeyIndex keys;
};

class JournalWriter {
 public:
  using PruneDone = std::function<void(StatusOr<PruneResult>)>;

  // `db` and `clock` must outlive the writer. `partition` names the files the
  // records write next to the database.
  JournalWriter(Database& db, const Clock& clock, JournalWriterOptions options = {}, int partition = 0);
  // Stop(); records never written (no Start) complete with Unavailable.
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  // Reads which sessions are open, the stored dedup keys (unless preloaded)
  // and the latest stamp, then starts the writer thread; records submitted
  // before are written first.
  Status Start();
  // Hands Start() the indexes recovery built while it read the same file
  // (journal_reader.h), so that a restart reads each log once. Ignored once
  // started.
  // REQUIRES: `indexes` describe the file as it is: nothing wrote it since.
  void Preload(WriterIndexes indexes);
  // Whether Start() has run: a Preload would be ignored.
  bool started() const;
  // Refuses new records, writes everything already queued, joins the thread.
  // Idempotent.
  void Stop();

  // Never blocks. OK: the record will be completed exactly once.
  Status Submit(JournalRecordPtr record);
  // All or none, in order, as consecutive records. On refusal none is queued.
  Status SubmitAll(std::vector<JournalRecordPtr> records);

  // Blocks until every record submitted before the call has completed.
  // REQUIRES: Start() succeeded; not called on the writer thread.
  Status Flush();

  // Runs a full prune (as many passes as needed) with the cutoff taken when it
  // begins; `done` runs on the writer thread with the totals.
  void RequestPrune(PruneDone done);

  JournalStats stats() const;
  const JournalWriterOptions& options() const { return options_; }
  bool OnWriterThread() const { return std::this_thread::get_id() == thread_id_.load(); }

 private:
  void Run();
  void WriteBatch(std::vector<JournalRecordPtr>& batch);
  void RunPrunePass();

  Database& db_;
  const Clock& clock_;
  const JournalWriterOptions options_;
  const int partition_;

  // Its mutex also guards the members marked so.
  RecordQueue<JournalRecordPtr> queue_;
  std::vector<PruneDone> prune_requests_;  // guarded by queue_.mutex()
  bool flush_requested_ = false;           // guarded by queue_.mutex(); Flush() does not wait for the commit interval
  bool started_ = false;                   // guarded by queue_.mutex()
  std::thread thread_;
  std::atomic<std::thread::id> thread_id_{};

  std::optional<WriterIndexes> preloaded_;  // guarded by queue_.mutex()

  // Writer thread only (and Start, before the thread runs).
  OpenSessionIndex open_sessions_;
  ContactLogBatch contact_log_;  // seq: the next row's
  EventLogBuilder event_log_;
  std::int64_t event_log_seq_ = 0;  // the next event_log row's
  std::int64_t last_stamp_ms_ = 0;
  bool prune_active_ = false;
  bool prune_planned_ = false;
  PrunePlan prune_plan_;
  PruneResult prune_total_;
  std::vector<PruneDone> prune_waiters_;

  WriterCounters counters_;
};

}  // namespace routerd::storage
