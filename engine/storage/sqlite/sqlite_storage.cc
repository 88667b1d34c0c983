#include "engine/storage/sqlite/sqlite_storage.h"

#include <future>
#include <utility>

#include "engine/storage/partition_split.h"
#include "engine/storage/sqlite/journal_reader.h"
#include "engine/storage/sqlite/journal_records.h"

namespace routerd::storage {

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
  // Each writer first reads which sessions are open in its file and its dedup
  // keys (unless LoadOpenState handed them over): in parallel.
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
  return AppendByPartition(
      std::move(events), std::move(done), partitions_->size(),
      [this](const std::string& tenant) { return static_cast<std::size_t>(partitions_->ForTenant(tenant).index); },
      [this](std::size_t i, std::vector<SessionEvent> part, SessionEventsDone part_done) {
        return partitions_->at(i).writer->Submit(MakeSessionEventsRecord(std::move(part), std::move(part_done)));
      });
}

StatusOr<std::optional<StoredSessionTrace>> SqliteStorage::LoadSessionTrace(const std::string& tenant_id,
                                                                             std::uint64_t session_id) {
  // A tenant without a partition has stored nothing, traces included.
  Partition* p = partitions_->Find(tenant_id);
  if (p == nullptr) return std::optional<StoredSessionTrace>();
  auto failed = [&](const Status& s) {
    return Status(s.code(), "cannot read the route trace of session " + std::to_string(session_id) + " of tenant " +
                                tenant_id + " from " + p->db->path() + ": " + s.message());
  };
  StatusOr<ReaderPool::Lease> lease = p->db->readers().Acquire();
  if (!lease.ok()) return failed(lease.status());
  StatusOr<std::optional<StoredSessionTrace>> trace = storage::LoadSessionTrace(**lease, tenant_id, session_id);
  if (!trace.ok()) return failed(trace.status());
  return trace;
}

StatusOr<OpenState> SqliteStorage::LoadOpenState() {
  // One reader per partition file, in parallel: a restart's longest step. Its
  // reads also build the indexes each writer needs when it starts.
  std::vector<std::future<StatusOr<OpenState>>> parts;
  for (std::size_t i = 0; i < partitions_->size(); ++i) {
    parts.push_back(std::async(std::launch::async, [&p = partitions_->at(i)] {
      // A running writer has its indexes: build none for it.
      if (p.writer->started()) return storage::LoadOpenState(*p.db);
      WriterIndexes indexes;
      StatusOr<OpenState> state = storage::LoadOpenState(*p.db, &indexes);
      if (state.ok()) p.writer->Preload(std::move(indexes));
      return state;
    }));
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
