#include "engine/storage/sqlite/sqlite_storage.h"

#include <atomic>
#include <future>
#include <mutex>
#include <utility>

#include "engine/storage/sqlite/journal_reader.h"
#include "engine/storage/sqlite/journal_records.h"

namespace routerd::storage {
namespace {

PruneResult& operator+=(PruneResult& into, const PruneResult& o) {
  into.contacts += o.contacts;
  into.session_events += o.session_events;
  into.passes += o.passes;
  return into;
}

// Completes a request split over several partitions once every part has:
// with OK, or the first error.
template <typename Result>
struct SplitCompletion {
  std::atomic<int> remaining;
  std::mutex mu;
  Status first_error;  // guarded by mu
  Result totals;       // guarded by mu
  std::function<void(const Status&, const Result&)> done;

  void Arrive(const Status& s, const Result* part) {
    {
      std::lock_guard lock(mu);
      if (!s.ok() && first_error.ok()) first_error = s;
      if (part != nullptr) totals += *part;
    }
    if (remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) done(first_error, totals);
  }
};

struct NoResult {
  NoResult& operator+=(const NoResult&) { return *this; }
};


}  // namespace

StatusOr<std::unique_ptr<SqliteStorage>> SqliteStorage::Open(const StorageOptions& options, const Clock& clock) {
  StatusOr<std::unique_ptr<PartitionSet>> set = PartitionSet::Open(options, clock);
  if (!set.ok()) return set.status();
  return std::unique_ptr<SqliteStorage>(new SqliteStorage(std::move(set).value(), clock, options.max_voice_bytes));
}

SqliteStorage::SqliteStorage(std::unique_ptr<PartitionSet> partitions, const Clock& clock,
                             std::size_t max_voice_bytes)
    : partitions_(std::move(partitions)),
      leave_(std::make_unique<SqliteLeaveStore>(*partitions_, clock, max_voice_bytes)),
      administration_(std::make_unique<SqliteAdministrationStore>(*partitions_)) {}

SqliteStorage::~SqliteStorage() { Stop(); }

Status SqliteStorage::Start() {
  // Each writer first reads which sessions are open in its file: in parallel.
  std::vector<std::future<Status>> started;
  for (std::size_t i = 0; i < partitions_->size(); ++i) {
    started.push_back(std::async(std::launch::async, [this, i] { return partitions_->at(i).writer->Start(); }));
  }
  Status first;
  for (std::size_t i = 0; i < started.size(); ++i) {
    Status s = started[i].get();
    if (!s.ok() && first.ok()) first = Status(s.code(), partitions_->at(i).db->path() + ": " + s.message());
  }
  return first;
}

void SqliteStorage::Stop() {
  for (std::size_t i = 0; i < partitions_->size(); ++i) partitions_->at(i).writer->Stop();
}

Status SqliteStorage::Flush() {
  for (std::size_t i = 0; i < partitions_->size(); ++i) ROUTERD_RETURN_IF_ERROR(partitions_->at(i).writer->Flush());
  return Status::Ok();
}

Status SqliteStorage::AppendContacts(AcceptedContacts record, AcceptedContactsDone done) {
  Partition& p = partitions_->ForTenant(record.tenant_id);
  return p.writer->Submit(MakeAcceptedContactsRecord(std::move(record), std::move(done)));
}

Status SqliteStorage::AppendSessionEvents(std::vector<SessionEvent> events, SessionEventsDone done) {
  if (events.empty()) {
    if (done) done(Status::Ok());
    return Status::Ok();
  }
  // The common case: every event in one partition (one tenant, or tenants
  // that share one).
  Partition* first = &partitions_->ForTenant(TenantOf(events.front()));
  bool single = true;
  for (const SessionEvent& e : events) {
    if (&partitions_->ForTenant(TenantOf(e)) != first) {
      single = false;
      break;
    }
  }
  if (single) return first->writer->Submit(MakeSessionEventsRecord(std::move(events), std::move(done)));

  std::vector<std::vector<SessionEvent>> parts(partitions_->size());
  for (SessionEvent& e : events) parts[partitions_->ForTenant(TenantOf(e)).index].push_back(std::move(e));
  int used = 0;
  for (const auto& part : parts) used += !part.empty();
  auto split = std::make_shared<SplitCompletion<NoResult>>();
  split->remaining = used;
  split->done = [done = std::move(done)](const Status& s, const NoResult&) {
    if (done) done(s);
  };
  Status result;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty()) continue;
    Status s = partitions_->at(i).writer->Submit(
        MakeSessionEventsRecord(std::move(parts[i]), [split](const Status& st) { split->Arrive(st, nullptr); }));
    if (!s.ok()) {
      // This part will never complete: count it as arrived with its error.
      split->Arrive(s, nullptr);
      if (result.ok()) result = s;
    }
  }
  return result;
}

StatusOr<OpenState> SqliteStorage::LoadOpenState() {
  // One reader per partition file, in parallel: a restart's longest step.
  std::vector<std::future<StatusOr<OpenState>>> parts;
  for (std::size_t i = 0; i < partitions_->size(); ++i) {
    parts.push_back(std::async(std::launch::async, [db = partitions_->at(i).db.get()] { return storage::LoadOpenState(*db); }));
  }
  OpenState state;
  Status first;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    StatusOr<OpenState> part = parts[i].get();
    if (!part.ok()) {
      if (first.ok()) {
        first = Status(part.status().code(),
                       "cannot read " + partitions_->at(i).db->path() + ": " + part.status().message());
      }
      continue;
    }
    MergeOpenState(state, std::move(part).value());
  }
  if (!first.ok()) return first;
  return state;
}

void SqliteStorage::RequestPrune(PruneDone done) {
  auto split = std::make_shared<SplitCompletion<PruneResult>>();
  split->remaining = static_cast<int>(partitions_->size());
  split->done = [done = std::move(done)](const Status& s, const PruneResult& totals) {
    if (s.ok()) {
      done(totals);
    } else {
      done(s);
    }
  };
  for (std::size_t i = 0; i < partitions_->size(); ++i) {
    partitions_->at(i).writer->RequestPrune([split](StatusOr<PruneResult> r) {
      if (r.ok()) {
        split->Arrive(Status::Ok(), &*r);
      } else {
        split->Arrive(r.status(), nullptr);
      }
    });
  }
}

JournalStats SqliteStorage::stats() const {
  JournalStats total;
  for (std::size_t i = 0; i < partitions_->size(); ++i) total += partitions_->at(i).writer->stats();
  return total;
}

std::string SqliteStorage::Describe() const {
  return "sqlite in " + partitions_->data_dir() + " (" + std::to_string(partitions_->size()) + " partition" +
         (partitions_->size() == 1 ? "" : "s") + ")";
}

}  // namespace routerd::storage
