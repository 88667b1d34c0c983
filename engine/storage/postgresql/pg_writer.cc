#include "engine/storage/postgresql/pg_writer.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <iterator>
#include <utility>

#include "engine/base/guarded_call.h"
#include "engine/base/thread_name.h"
#include "engine/storage/postgresql/pg_prune.h"

namespace routerd::storage {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kMaxBackoff{5000};

// A rows-only record that refused itself alone (PgRecord::rows_only).
bool RefusedAlone(const Status& s) {
  return s.code() == StatusCode::kFailedPrecondition || s.code() == StatusCode::kInvalidArgument;
}

// Completes when the writer reaches it: everything queued before is done.
class BarrierRecord final : public PgRecord {
 public:
  explicit BarrierRecord(std::promise<Status> done) : done_(std::move(done)) {}
  Status Apply(PgWriteContext&) override { return Status::Ok(); }
  void Complete(const Status& status) override { done_.set_value(status); }
  bool rows_only() const override { return true; }

 private:
  std::promise<Status> done_;
};

}  // namespace

PgWriter::PgWriter(const Clock& clock, PgWriterOptions options)
    : clock_(clock), options_(std::move(options)), queue_(options_.capacity, 0) {}

PgWriter::~PgWriter() {
  Stop();
  std::vector<PgRecordPtr> left;
  std::vector<PruneDone> prunes;
  {
    std::lock_guard lock(queue_.mutex());
    queue_.Take(left, queue_.size());
    prunes.swap(prune_requests_);
  }
  for (PgRecordPtr& r : left) r->Complete(Status::Unavailable("PostgreSQL writer destroyed before the record was written"));
  for (PruneDone& p : prunes) p(Status::Unavailable("PostgreSQL writer stopped"));
}

Status PgWriter::Start() {
  std::lock_guard lock(queue_.mutex());
  if (queue_.stopping()) return Status::FailedPrecondition("PostgreSQL writer was stopped");
  if (started_) return Status::FailedPrecondition("PostgreSQL writer already started");
  StatusOr<std::unique_ptr<PgConnection>> conn = PgConnection::Connect(options_.conninfo, options_.session);
  if (!conn.ok()) return conn.status();
  conn_ = std::move(conn).value();
  if (options_.durability == config::Durability::kAsync) {
    // Per batch would cost a statement each: the session default is off, and
    // batches with a change somebody waits for turn it on (WriteBatch).
    ROUTERD_RETURN_IF_ERROR(conn_->Exec("SET synchronous_commit = off"));
  }
  StatusOr<PgResult> last = conn_->Query(
      "SELECT GREATEST(COALESCE((SELECT max(accepted_at_ms) FROM contacts), 0),"
      " COALESCE((SELECT max(at_ms) FROM session_events), 0))");
  if (!last.ok()) return last.status();
  last_stamp_ms_ = last->Int64(0, 0);
  connected_ = true;
  started_ = true;
  thread_ = std::thread([this] {
    SetThreadName("rd-pg-writer");
    Run();
  });
  return Status::Ok();
}

void PgWriter::Stop() {
  queue_.Stop();
  if (thread_.joinable()) thread_.join();
}

Status PgWriter::Submit(PgRecordPtr record) {
  const bool ingress = record->ingress();
  return queue_.Push(std::move(record), ingress);
}

Status PgWriter::SubmitAll(std::vector<PgRecordPtr> records) {
  const bool ingress = std::any_of(records.begin(), records.end(), [](const PgRecordPtr& r) { return r->ingress(); });
  return queue_.PushAll(std::move(records), ingress);
}

Status PgWriter::Flush() {
  {
    std::lock_guard lock(queue_.mutex());
    if (!started_) return Status::FailedPrecondition("PostgreSQL writer not started");
  }
  std::promise<Status> promise;
  std::future<Status> done = promise.get_future();
  ROUTERD_RETURN_IF_ERROR(queue_.PushInternal(std::make_unique<BarrierRecord>(std::move(promise))));
  return done.get();
}

void PgWriter::RequestPrune(PruneDone done) {
  {
    std::lock_guard lock(queue_.mutex());
    if (!queue_.stopping()) {
      prune_requests_.push_back(std::move(done));
      done = nullptr;
    }
  }
  if (done) {
    done(Status::Unavailable("PostgreSQL writer is stopping"));
    return;
  }
  queue_.cv().notify_one();
}

JournalStats PgWriter::stats() const {
  JournalStats s = counters_.Snapshot(queue_.depth(), queue_.refused());
  s.unavailable_partitions = connected_.load(std::memory_order_relaxed) ? 0 : 1;
  return s;
}

PgWriterHealth PgWriter::health() const {
  PgWriterHealth h;
  h.connected = connected_.load(std::memory_order_relaxed);
  std::lock_guard lock(queue_.mutex());
  if (!h.connected) h.last_error = last_error_;
  return h;
}

void PgWriter::Disconnected(std::string why) {
  connected_.store(false, std::memory_order_relaxed);
  queue_.CloseIngress("PostgreSQL is unavailable (reconnecting): " + why);
  std::lock_guard lock(queue_.mutex());
  last_error_ = std::move(why);
}

bool PgWriter::EnsureConnected() {
  if (conn_ && !conn_->Broken()) return true;
  if (conn_) {
    if (connected_.load(std::memory_order_relaxed)) Disconnected("the connection to the server was lost");
    conn_.reset();
  }
  if (SteadyClock::now() < next_connect_) return false;
  StatusOr<std::unique_ptr<PgConnection>> conn = PgConnection::Connect(options_.conninfo, options_.session);
  Status setup = conn.ok() && options_.durability == config::Durability::kAsync
                     ? (*conn)->Exec("SET synchronous_commit = off")
                     : Status::Ok();
  if (!conn.ok() || !setup.ok()) {
    next_connect_ = SteadyClock::now() + backoff_;
    backoff_ = std::min(backoff_ * 2, kMaxBackoff);
    Disconnected(conn.ok() ? setup.message() : conn.status().message());
    return false;
  }
  conn_ = std::move(conn).value();
  backoff_ = std::chrono::milliseconds(100);
  counters_.reconnects.fetch_add(1, std::memory_order_relaxed);
  connected_.store(true, std::memory_order_relaxed);
  queue_.OpenIngress();
  return true;
}

void PgWriter::Run() {
  const auto interval = std::chrono::milliseconds(options_.prune_interval_ms);
  auto next_prune = SteadyClock::now() + interval;
  std::vector<PgRecordPtr> batch;
  for (;;) {
    bool exit = false;
    {
      std::unique_lock lock(queue_.mutex());
      auto ready = [&] { return !queue_.empty() || queue_.stopping() || !prune_requests_.empty(); };
      if (!connected_.load(std::memory_order_relaxed)) {
        queue_.cv().wait_until(lock, next_connect_, ready);  // retry the connection when due
      } else if (prune_waiters_.empty()) {
        if (options_.prunes && options_.prune_interval_ms > 0) {
          queue_.cv().wait_until(lock, next_prune, ready);
        } else {
          queue_.cv().wait(lock, ready);
        }
      }
      queue_.Take(batch, options_.max_batch_records);
      if (prune_waiters_.empty() && !prune_requests_.empty()) {
        prune_waiters_.swap(prune_requests_);
        prune_cutoff_ms_ = 0;
      }
      exit = queue_.stopping() && batch.empty() && queue_.empty();
    }
    if (exit) break;

    if (!EnsureConnected()) {
      std::string why;
      {
        std::lock_guard lock(queue_.mutex());
        why = last_error_;
      }
      FailBatch(batch, Status::Unavailable("PostgreSQL is unavailable (reconnecting): " + why));
      std::vector<PruneDone> waiters;
      waiters.swap(prune_waiters_);
      for (PruneDone& w : waiters) w(Status::Unavailable("PostgreSQL is unavailable: " + why));
      continue;  // stopping with the server down: what is queued fails the same way
    }
    if (!batch.empty()) WriteBatch(batch);

    const bool due = options_.prunes && options_.prune_interval_ms > 0 && SteadyClock::now() >= next_prune;
    if (due || !prune_waiters_.empty()) {
      static FailureLog prune_failures("a PostgreSQL prune pass");
      GuardedCall(prune_failures, [&] { RunPrunePass(); }, [&] {
        std::vector<PruneDone> waiters;
        waiters.swap(prune_waiters_);
        prune_total_ = {};
        for (PruneDone& w : waiters) w(Status::Internal("the prune pass failed inside routerd (logged)"));
      });
      if (prune_waiters_.empty()) next_prune = SteadyClock::now() + interval;
    }
  }
  std::vector<PruneDone> waiters;
  waiters.swap(prune_waiters_);
  {
    std::lock_guard lock(queue_.mutex());
    std::move(prune_requests_.begin(), prune_requests_.end(), std::back_inserter(waiters));
    prune_requests_.clear();
  }
  for (PruneDone& w : waiters) w(Status::Unavailable("PostgreSQL writer stopped before the prune finished"));
  conn_.reset();
}

void PgWriter::FailBatch(std::vector<PgRecordPtr>& batch, const Status& status) {
  if (batch.empty()) return;
  counters_.CountBatch(batch.size(), false);
  static FailureLog completion_failures("a PostgreSQL journal completion");
  for (PgRecordPtr& r : batch) GuardedCall(completion_failures, [&] { r->Complete(status); });
  batch.clear();
}

void PgWriter::WriteBatch(std::vector<PgRecordPtr>& batch) {
  PgConnection& conn = *conn_;
  last_stamp_ms_ = std::max(last_stamp_ms_, clock_.WallMs());
  PgBulkRows rows;
  PgWriteContext ctx{conn, last_stamp_ms_, rows};
  std::vector<Status> results(batch.size());
  const bool all_journal =
      std::all_of(batch.begin(), batch.end(), [](const PgRecordPtr& r) { return r->rows_only(); });

  PgBatchLeases leases;
  if (!options_.cluster_instance_id.empty()) ctx.leases = &leases;

  Status txn = conn.Exec("BEGIN");
  if (txn.ok() && options_.durability == config::Durability::kAsync && !all_journal) {
    txn = conn.Exec("SET LOCAL synchronous_commit = on");  // somebody waits for this change
  }
  if (txn.ok() && ctx.leases != nullptr) txn = ReadLeases(batch, leases);
  for (std::size_t i = 0; txn.ok() && i < batch.size(); ++i) {
    static FailureLog apply_failures("a PostgreSQL journal record's write");
    if (batch[i]->rows_only()) {
      GuardedCall(apply_failures, [&] { results[i] = batch[i]->Apply(ctx); },
                  [&] { results[i] = Status::Unavailable("the record's write failed inside routerd (logged)"); });
      if (!results[i].ok() && !RefusedAlone(results[i])) {
        txn = Status::Unavailable("journal write failed: " + results[i].message());
      }
      continue;
    }
    // Rows gathered so far go first: rows are stored in submission order.
    txn = rows.Flush(conn, ctx.now_ms);
    if (txn.ok()) txn = conn.Exec("SAVEPOINT record");
    if (!txn.ok()) break;
    GuardedCall(apply_failures, [&] { results[i] = batch[i]->Apply(ctx); },
                [&] { results[i] = Status::Unavailable("the record's write failed inside routerd (logged)"); });
    if (conn.Broken()) {
      txn = Status::Unavailable("PostgreSQL connection lost: " + results[i].message());
      break;
    }
    if (!results[i].ok()) {
      if (results[i].code() == StatusCode::kUnavailable) {
        // The server failed it (timeout, shutdown): the batch is not stored.
        txn = results[i];
        break;
      }
      txn = conn.Exec("ROLLBACK TO SAVEPOINT record");
    }
    if (txn.ok()) txn = conn.Exec("RELEASE SAVEPOINT record");
  }
  if (txn.ok()) txn = rows.Flush(conn, ctx.now_ms);
  if (txn.ok()) {
    txn = conn.Exec("COMMIT");
    if (!txn.ok()) txn = Status(txn.code(), "journal commit failed: " + txn.message());
  }
  if (!txn.ok() && !conn.Broken() && conn.InTransaction()) (void)conn.Exec("ROLLBACK");
  if (!txn.ok() && txn.code() != StatusCode::kUnavailable) {
    // Whatever the server said, a failed batch is for the producer "not stored, try again".
    txn = Status::Unavailable(txn.message());
  }
  if (conn.Broken()) Disconnected(txn.message());
  counters_.CountBatch(batch.size(), txn.ok());
  static FailureLog completion_failures("a PostgreSQL journal completion");
  for (std::size_t i = 0; i < batch.size(); ++i) {
    GuardedCall(completion_failures, [&] { batch[i]->Complete(txn.ok() ? results[i] : txn); });
  }
  batch.clear();
}

Status PgWriter::ReadLeases(const std::vector<PgRecordPtr>& batch, PgBatchLeases& leases) {
  std::vector<std::string_view> tenants;
  for (const PgRecordPtr& r : batch) {
    if (const std::string* t = r->fenced_tenant()) tenants.push_back(*t);
  }
  if (tenants.empty()) return Status::Ok();  // nothing fenced: no statement
  std::sort(tenants.begin(), tenants.end());
  tenants.erase(std::unique(tenants.begin(), tenants.end()), tenants.end());
  StatusOr<PgBatchLeases> read = ReadBatchLeases(*conn_, options_.cluster_instance_id, tenants);
  if (!read.ok()) return read.status();
  leases = std::move(read).value();
  return Status::Ok();
}

void PgWriter::RunPrunePass() {
  if (prune_cutoff_ms_ == 0) prune_cutoff_ms_ = clock_.WallMs() - options_.retention_ms;
  StatusOr<PrunePass> pass = PruneOncePg(*conn_, prune_cutoff_ms_, options_.prune_rows_per_pass);
  if (pass.ok()) {
    counters_.CountPrunePass(*pass);
    prune_total_.contacts += pass->contacts;
    prune_total_.session_events += pass->session_events;
    ++prune_total_.passes;
    if (!pass->done) {
      if (prune_waiters_.empty()) prune_waiters_.push_back([](StatusOr<PruneResult>) {});  // keeps the prune going
      return;
    }
  }
  if (conn_->Broken()) Disconnected(pass.ok() ? "the connection to the server was lost" : pass.status().message());
  std::vector<PruneDone> waiters;
  waiters.swap(prune_waiters_);
  PruneResult total = prune_total_;
  prune_total_ = {};
  prune_cutoff_ms_ = 0;
  for (PruneDone& w : waiters) {
    if (pass.ok()) {
      w(total);
    } else {
      w(pass.status());
    }
  }
}

}  // namespace routerd::storage
