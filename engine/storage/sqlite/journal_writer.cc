#include "engine/storage/sqlite/journal_writer.h"

#include "engine/base/guarded_call.h"
#include "engine/base/thread_name.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <iterator>
#include <utility>

namespace routerd::storage {
namespace {

// Completes when the writer reaches it: everything queued before is done.
class BarrierRecord final : public JournalRecord {
 public:
  explicit BarrierRecord(std::promise<Status> done) : done_(std::move(done)) {}
  Status Apply(WriteContext&) override { return Status::Ok(); }
  void Complete(const Status& status) override { done_.set_value(status); }

 private:
  std::promise<Status> done_;
};

}  // namespace

JournalWriter::JournalWriter(Database& db, const Clock& clock, JournalWriterOptions options, int partition)
    : db_(db),
      clock_(clock),
      options_(options),
      partition_(partition),
      queue_(options.capacity, options.ingress_capacity) {}

JournalWriter::~JournalWriter() {
  Stop();
  // Never started: what was queued can no longer be written, but every
  // accepted record still gets exactly one completion.
  std::vector<JournalRecordPtr> left;
  std::vector<PruneDone> prunes;
  {
    std::lock_guard lock(queue_.mutex());
    queue_.Take(left, queue_.size());
    prunes.swap(prune_requests_);
  }
  for (JournalRecordPtr& r : left) {
    r->Complete(Status::Unavailable("journal writer destroyed before the record was written"));
    counters_.records.fetch_add(1, std::memory_order_relaxed);
  }
  for (PruneDone& p : prunes) p(Status::Unavailable("journal writer stopped"));
}

Status JournalWriter::Start() {
  std::lock_guard lock(queue_.mutex());
  if (queue_.stopping()) return Status::FailedPrecondition("journal writer was stopped");
  if (started_) return Status::FailedPrecondition("journal writer already started");
  // The thread does not run yet: the connection is still ours.
  if (preloaded_.has_value()) {
    open_sessions_ = std::move(preloaded_->open_sessions);
    contact_log_.keys = std::move(preloaded_->keys);
    preloaded_.reset();
  } else {
    ROUTERD_RETURN_IF_ERROR(open_sessions_.Load(db_.writer()));
    ROUTERD_RETURN_IF_ERROR(LoadContactKeys(db_.writer(), contact_log_));
  }
  StatusOr<Statement> last = db_.writer().Prepare(
      "SELECT MAX(COALESCE((SELECT MAX(accepted_at_ms) FROM contact_log), 0),"
      " COALESCE((SELECT MAX(at_ms) FROM event_log), 0), COALESCE((SELECT MAX(at_ms) FROM session_events), 0)),"
      " COALESCE((SELECT MAX(seq) FROM contact_log), 0), COALESCE((SELECT MAX(seq) FROM event_log), 0)");
  if (!last.ok()) return last.status();
  StatusOr<bool> row = last->Step();
  if (!row.ok()) return row.status();
  contact_log_.seq = last->ColumnInt64(1) + 1;
  event_log_seq_ = last->ColumnInt64(2) + 1;
  last_stamp_ms_ = last->ColumnInt64(0);
  started_ = true;
  thread_ = std::thread([this] {
    SetThreadName("rd-journal");
    Run();
  });
  return Status::Ok();
}

bool JournalWriter::started() const {
  std::lock_guard lock(queue_.mutex());
  return started_;
}

void JournalWriter::Preload(WriterIndexes indexes) {
  std::lock_guard lock(queue_.mutex());
  if (!started_) preloaded_ = std::move(indexes);
}

void JournalWriter::Stop() {
  queue_.Stop();
  if (thread_.joinable()) thread_.join();
}

Status JournalWriter::Submit(JournalRecordPtr record) {
  const bool ingress = record->ingress();
  return queue_.Push(std::move(record), ingress);
}

Status JournalWriter::SubmitAll(std::vector<JournalRecordPtr> records) {
  const bool ingress =
      std::any_of(records.begin(), records.end(), [](const JournalRecordPtr& r) { return r->ingress(); });
  return queue_.PushAll(std::move(records), ingress);
}

Status JournalWriter::Flush() {
  {
    std::lock_guard lock(queue_.mutex());
    if (!started_) return Status::FailedPrecondition("journal writer not started");
    flush_requested_ = true;  // a waiting commit interval ends now
  }
  if (OnWriterThread()) return Status::FailedPrecondition("Flush called on the journal writer thread");
  std::promise<Status> promise;
  std::future<Status> done = promise.get_future();
  ROUTERD_RETURN_IF_ERROR(queue_.PushInternal(std::make_unique<BarrierRecord>(std::move(promise))));
  return done.get();
}

void JournalWriter::RequestPrune(PruneDone done) {
  {
    std::lock_guard lock(queue_.mutex());
    if (!queue_.stopping()) {
      prune_requests_.push_back(std::move(done));
      done = nullptr;
    }
  }
  if (done) {
    done(Status::Unavailable("journal writer is stopping"));
    return;
  }
  queue_.cv().notify_one();
}

JournalStats JournalWriter::stats() const { return counters_.Snapshot(queue_.depth(), queue_.refused()); }

void JournalWriter::Run() {
  thread_id_.store(std::this_thread::get_id());
  using SteadyClock = std::chrono::steady_clock;
  const auto interval = std::chrono::milliseconds(options_.prune_interval_ms);
  auto next_prune = SteadyClock::now() + interval;
  const auto commit_interval = std::chrono::milliseconds(options_.commit_interval_ms);
  auto last_batch_at = SteadyClock::now() - commit_interval;
  std::vector<JournalRecordPtr> batch;
  batch.reserve(std::min<std::size_t>(options_.max_batch_records, 4096));

  for (;;) {
    bool exit = false;
    {
      std::unique_lock lock(queue_.mutex());
      auto ready = [&] { return !queue_.empty() || queue_.stopping() || !prune_requests_.empty(); };
      if (!prune_active_) {
        if (options_.prune_interval_ms > 0) {
          queue_.cv().wait_until(lock, next_prune, ready);
        } else {
          queue_.cv().wait(lock, ready);
        }
      }
      if (commit_interval.count() > 0 && !queue_.empty() && !queue_.stopping()) {
        // Let the batch grow until the interval since the last one has passed.
        queue_.cv().wait_until(lock, last_batch_at + commit_interval, [&] {
          return queue_.stopping() || flush_requested_ || queue_.size() >= options_.max_batch_records;
        });
      }
      queue_.Take(batch, options_.max_batch_records);
      if (queue_.empty()) flush_requested_ = false;  // its barrier is in this batch
      // Requests that arrive during a prune start a fresh one afterwards, with
      // their own (later) cutoff.
      if (!prune_active_ && !prune_requests_.empty()) {
        std::move(prune_requests_.begin(), prune_requests_.end(), std::back_inserter(prune_waiters_));
        prune_requests_.clear();
        prune_active_ = true;
      }
      exit = queue_.stopping() && batch.empty() && queue_.empty();
    }
    if (exit) break;

    if (!batch.empty()) {
      last_batch_at = SteadyClock::now();
      WriteBatch(batch);
    }

    if (!prune_active_ && options_.prune_interval_ms > 0 && SteadyClock::now() >= next_prune) {
      prune_active_ = true;
    }
    if (prune_active_) {
      static FailureLog prune_failures("a journal prune pass");
      GuardedCall(prune_failures, [&] { RunPrunePass(); }, [&] {
        // Given up until the next interval, so that a pass that keeps
        // throwing cannot spin; whoever asked for it is told.
        prune_active_ = false;
        std::vector<PruneDone> waiters;
        waiters.swap(prune_waiters_);
        for (PruneDone& w : waiters) w(Status::Internal("the prune pass failed inside routerd (logged)"));
      });
      if (!prune_active_) next_prune = SteadyClock::now() + interval;
    }
  }

  // Stopped with a prune unfinished: it is maintenance, not owed work.
  std::vector<PruneDone> waiters;
  waiters.swap(prune_waiters_);
  {
    std::lock_guard lock(queue_.mutex());
    std::move(prune_requests_.begin(), prune_requests_.end(), std::back_inserter(waiters));
    prune_requests_.clear();
  }
  for (PruneDone& w : waiters) w(Status::Unavailable("journal writer stopped before the prune finished"));
}

void JournalWriter::WriteBatch(std::vector<JournalRecordPtr>& batch) {
  SqliteConnection& conn = db_.writer();
  last_stamp_ms_ = std::max(last_stamp_ms_, clock_.WallMs());
  OpenSessionIndex::Changes opened_or_ended;
  WriteContext ctx{conn, last_stamp_ms_, db_.data_dir(), partition_, opened_or_ended, contact_log_, event_log_};
  std::vector<Status> results(batch.size());

  auto run = [&conn](const char* sql) -> Status {
    StatusOr<Statement> st = conn.Prepare(sql);
    return st.ok() ? st->Run() : st.status();
  };

  Status txn = run("BEGIN IMMEDIATE");
  for (std::size_t i = 0; txn.ok() && i < batch.size(); ++i) {
    const bool savepoint = batch[i]->may_fail_alone();
    const std::size_t staged = opened_or_ended.size();
    const ContactLogBatch::Mark logged = contact_log_.mark();
    const EventLogBuilder::Mark events = event_log_.mark();
    if (savepoint) {
      txn = run("SAVEPOINT record");
      if (!txn.ok()) break;
    }
    // A record that throws (std::bad_alloc while building its rows) fails
    // like one that storage refused: alone behind its savepoint, or with its
    // batch, whose producers are told "not stored" and retry.
    static FailureLog apply_failures("a journal record's write");
    GuardedCall(apply_failures, [&] { results[i] = batch[i]->Apply(ctx); },
                [&] { results[i] = Status::Unavailable("the record's write failed inside routerd (logged)"); });
    if (!conn.InTransaction()) {
      // SQLite rolled the whole transaction back (disk full, I/O error):
      // nothing of the batch is stored any more.
      txn = Status::Unavailable("journal transaction aborted by SQLite: " + results[i].message());
      break;
    }
    if (!savepoint) {
      // Only storage fails such a record, and its partial writes cannot be
      // undone alone: the batch fails.
      if (!results[i].ok()) txn = Status::Unavailable("journal write failed: " + results[i].message());
      continue;
    }
    if (!results[i].ok()) {
      txn = run("ROLLBACK TO record");
      opened_or_ended.truncate(staged);  // its openings, ends and contacts were undone too
      contact_log_.Truncate(logged);
      event_log_.truncate(events);
    }
    if (txn.ok()) txn = run("RELEASE record");
  }
  const std::int64_t log_seq = contact_log_.seq;
  if (txn.ok()) {
    txn = AppendContactLogRow(conn, contact_log_, last_stamp_ms_);
    if (!txn.ok()) txn = Status(txn.code(), "journal write failed: " + txn.message());
  }
  const bool events_logged = !event_log_.empty();
  if (txn.ok() && events_logged) {
    txn = AppendEventLogRow(conn, event_log_seq_, last_stamp_ms_, event_log_);
    if (!txn.ok()) txn = Status(txn.code(), "journal write failed: " + txn.message());
  }
  event_log_.clear();
  if (txn.ok()) {
    txn = run("COMMIT");
    if (!txn.ok()) txn = Status(txn.code(), "journal commit failed: " + txn.message());
  }
  if (!txn.ok() && conn.InTransaction()) (void)conn.Exec("ROLLBACK");
  if (txn.code() == StatusCode::kAlreadyExists || txn.code() == StatusCode::kInternal ||
      txn.code() == StatusCode::kDataLoss) {
    // Whatever SQLite said, a failed batch is for the producer "not stored, try again".
    txn = Status::Unavailable(txn.message());
  }

  if (txn.ok()) {
    open_sessions_.Apply(opened_or_ended);
    contact_log_.Committed();
    if (events_logged) ++event_log_seq_;
  } else {
    // The row was rolled back: its seq is free again, and its keys are not stored.
    contact_log_.seq = log_seq;
    contact_log_.Truncate({});
  }
  counters_.CountBatch(batch.size(), txn.ok());
  // A completion that throws must not stop the writer, and with it every
  // later commit of the partition.
  static FailureLog completion_failures("a journal completion");
  for (std::size_t i = 0; i < batch.size(); ++i) {
    GuardedCall(completion_failures, [&] { batch[i]->Complete(txn.ok() ? results[i] : txn); });
  }
  batch.clear();
}

void JournalWriter::RunPrunePass() {
  Status failure;
  if (prune_total_.passes == 0 && !prune_planned_) {
    StatusOr<PrunePlan> plan =
        PlanPrune(db_.writer(), clock_.WallMs() - options_.retention_ms, open_sessions_);
    if (plan.ok()) {
      prune_plan_ = std::move(plan).value();
      prune_planned_ = true;
    } else {
      failure = plan.status();
    }
  }
  StatusOr<PrunePass> pass =
      failure.ok() ? PruneOnce(db_.writer(), prune_plan_, options_.prune_rows_per_pass, contact_log_.keys)
                   : StatusOr<PrunePass>(failure);
  if (pass.ok()) {
    counters_.CountPrunePass(*pass);
    prune_total_.contacts += pass->contacts;
    prune_total_.session_events += pass->session_events;
    ++prune_total_.passes;
    if (!pass->done) return;  // more next time round, after the next batch
  } else {
    failure = pass.status();
  }
  std::vector<PruneDone> waiters;
  waiters.swap(prune_waiters_);
  PruneResult total = prune_total_;
  prune_total_ = {};
  prune_planned_ = false;
  prune_active_ = false;
  for (PruneDone& w : waiters) {
    if (failure.ok()) {
      w(total);
    } else {
      w(failure);
    }
  }
}

}  // namespace routerd::storage
