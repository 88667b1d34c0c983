#include "engine/storage/postgresql/pg_storage.h"

#include <algorithm>
#include <utility>

#include "engine/storage/partition_split.h"
#include "engine/storage/postgresql/pg_journal_reader.h"
#include "engine/storage/postgresql/pg_journal_records.h"
#include "engine/storage/postgresql/pg_schema.h"

namespace routerd::storage {

StatusOr<std::unique_ptr<PgStorage>> PgStorage::Open(const StorageOptions& options, const Clock& clock) {
  if (options.url.empty()) return Status::InvalidArgument("[storage] backend \"postgresql\" needs a connection URL");
  StatusOr<std::unique_ptr<PgConnection>> conn = PgConnection::Connect(options.url);
  if (!conn.ok()) return conn.status();
  StatusOr<int> before = MigrateSchema(**conn);
  if (!before.ok()) return Status(before.status().code(), (*conn)->Describe() + ": " + before.status().message());
  return std::unique_ptr<PgStorage>(new PgStorage(options, clock, (*conn)->Describe()));
}

namespace {

// In cluster mode a transaction that holds a lease row (the fence of a
// journal batch, an inbox take) must not outlive the lease when its process
// stalls (SIGSTOP, a pause, a cut): the server then ends it after half a
// lease, which releases the row, and the instance that takes the tenant over
// is not kept waiting. routerd never sits in a transaction itself for more
// than a round trip between statements.
PgSessionSettings SessionSettings(const StorageOptions& options) {
  PgSessionSettings s;
  if (options.cluster_lease_ms > 0) {
    s.idle_in_transaction_timeout_ms = static_cast<int>(std::max<std::int64_t>(250, options.cluster_lease_ms / 2));
  }
  return s;
}

// The lease loop must never wait long for a lock: a round that waits cannot
// renew this instance's own leases. A claim that finds a row locked fails
// fast and is tried again at the next round.
PgSessionSettings LeaseLoopSettings(const StorageOptions& options) {
  PgSessionSettings s = SessionSettings(options);
  if (options.cluster_lease_ms > 0) {
    s.lock_timeout_ms = static_cast<int>(std::max<std::int64_t>(100, options.cluster_lease_ms / 10));
  }
  return s;
}

}  // namespace

PgStorage::PgStorage(const StorageOptions& options, const Clock& clock, std::string server)
    : server_(std::move(server)),
      clustered_(!options.cluster_instance_id.empty()),
      readers_(std::make_unique<PgReaderPool>(options.url, SessionSettings(options), kReaderConnections)) {
  std::vector<std::unique_ptr<PgWriter>> writers;
  const int n = std::max(1, options.partitions);
  for (int i = 0; i < n; ++i) {
    PgWriterOptions w;
    w.conninfo = options.url;
    w.durability = options.durability;
    w.capacity = options.queue_capacity;
    w.retention_ms = options.retention_ms;
    w.prune_interval_ms = options.prune_interval_ms;
    w.prunes = i == 0;  // the tables are shared: one writer prunes them
    w.cluster_instance_id = options.cluster_instance_id;
    w.session = SessionSettings(options);
    writers.push_back(std::make_unique<PgWriter>(clock, std::move(w)));
  }
  writers_ = std::make_unique<PgWriterSet>(std::move(writers), options.tenants);
  leave_ = std::make_unique<PgLeaveStore>(*writers_, *readers_, clock, options.max_voice_bytes);
  administration_ = std::make_unique<PgAdministrationStore>(*writers_, *readers_);
  cluster_ = std::make_unique<PgClusterStore>(options.url, LeaseLoopSettings(options));
}

PgStorage::~PgStorage() { Stop(); }

Status PgStorage::Start() {
  for (std::size_t i = 0; i < writers_->size(); ++i) {
    Status s = writers_->at(i).Start();
    if (!s.ok()) return Status(s.code(), "journal partition " + std::to_string(i) + ": " + s.message());
  }
  return Status::Ok();
}

void PgStorage::Stop() {
  for (std::size_t i = 0; i < writers_->size(); ++i) writers_->at(i).Stop();
}

Status PgStorage::Flush() {
  for (std::size_t i = 0; i < writers_->size(); ++i) ROUTERD_RETURN_IF_ERROR(writers_->at(i).Flush());
  return Status::Ok();
}

Status PgStorage::AppendContacts(AcceptedContacts record, AcceptedContactsDone done) {
  PgWriter& writer = writers_->ForTenant(record.tenant_id);
  return writer.Submit(MakePgAcceptedContactsRecord(std::move(record), std::move(done)));
}

Status PgStorage::AppendSessionEvents(std::vector<SessionEvent> events, SessionEventsDone done) {
  return AppendByPartition(
      std::move(events), std::move(done), writers_->size(),
      [this](const std::string& tenant) { return writers_->IndexOf(tenant); },
      [this](std::size_t i, std::vector<SessionEvent> part, SessionEventsDone part_done) {
        return writers_->at(i).Submit(MakePgSessionEventsRecord(std::move(part), std::move(part_done)));
      });
}

Status PgStorage::AppendFencedSessionEvents(std::vector<SessionEvent> events, std::uint64_t lease_epoch,
                                            SessionEventsDone done) {
  if (!clustered_ || events.empty()) return AppendSessionEvents(std::move(events), std::move(done));
  const std::string& tenant = TenantOf(events.front());
  for (const SessionEvent& e : events) {
    if (TenantOf(e) != tenant) {
      return Status::InvalidArgument("fenced session events must be of one tenant (" + tenant + ", " + TenantOf(e) +
                                     ")");
    }
  }
  PgWriter& writer = writers_->ForTenant(tenant);
  return writer.Submit(MakePgFencedSessionEventsRecord(std::move(events), lease_epoch, std::move(done)));
}

StatusOr<std::optional<StoredSessionTrace>> PgStorage::LoadSessionTrace(const std::string& tenant_id,
                                                                         std::uint64_t session_id) {
  auto failed = [&](const Status& s) {
    return Status(s.code(), "cannot read the route trace of session " + std::to_string(session_id) + " of tenant " +
                                tenant_id + " from " + server_ + ": " + s.message());
  };
  StatusOr<PgReaderPool::Lease> conn = readers_->Acquire();
  if (!conn.ok()) return failed(conn.status());
  StatusOr<std::optional<StoredSessionTrace>> trace = LoadSessionTracePg(**conn, tenant_id, session_id);
  if (!trace.ok()) return failed(trace.status());
  return trace;
}

StatusOr<OpenState> PgStorage::LoadOpenState() {
  StatusOr<PgReaderPool::Lease> conn = readers_->Acquire();
  if (!conn.ok()) return conn.status();
  return LoadOpenStatePg(**conn);
}

void PgStorage::RequestPrune(PruneDone done) { writers_->at(0).RequestPrune(std::move(done)); }

JournalStats PgStorage::stats() const {
  JournalStats total;
  for (std::size_t i = 0; i < writers_->size(); ++i) total += writers_->at(i).stats();
  return total;
}

std::string PgStorage::Degraded() const {
  std::size_t down = 0;
  std::string why;
  for (std::size_t i = 0; i < writers_->size(); ++i) {
    PgWriterHealth h = writers_->at(i).health();
    if (h.connected) continue;
    ++down;
    if (why.empty()) why = h.last_error;
  }
  if (down == 0) return {};
  return "PostgreSQL unreachable for " + std::to_string(down) + " of " + std::to_string(writers_->size()) +
         " journal writers, reconnecting: " + why;
}

std::string PgStorage::Describe() const {
  return "postgresql at " + server_ + " (" + std::to_string(writers_->size()) + " writer" +
         (writers_->size() == 1 ? "" : "s") + ")";
}

}  // namespace routerd::storage
