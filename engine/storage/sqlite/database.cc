#include "engine/storage/sqlite/database.h"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <system_error>
#include <utility>

#include "engine/storage/sqlite/schema.h"

namespace routerd::storage {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kNeverReset =
    "routerd refuses to start on it and never resets it: restore it from a backup, or move it aside to start "
    "with an empty database";

// The size of a file, or -1 when it does not exist.
std::int64_t FileSize(const std::string& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  return ec ? -1 : static_cast<std::int64_t>(size);
}

std::int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Turns a DataLoss raised while reading the file into the message an operator needs.
Status Unreadable(const std::string& path, const Status& s) {
  if (s.code() != StatusCode::kDataLoss) return s;
  return Status::DataLoss(path + " is corrupt, truncated or not a database (" + s.message() + "); " +
                          std::string(kNeverReset));
}

}  // namespace

ReadConnection::Snapshot::Snapshot(ReadConnection& rc) : rc_(rc), status_(rc.conn().Exec("BEGIN")) {}

ReadConnection::Snapshot::~Snapshot() {
  if (rc_.conn().InTransaction()) (void)rc_.conn().Exec("COMMIT");
}

ReaderPool::~ReaderPool() = default;

ReaderPool::Lease::~Lease() {
  if (pool_ != nullptr && conn_ != nullptr) pool_->Release(std::move(conn_));
}

StatusOr<ReaderPool::Lease> ReaderPool::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<ReadConnection> conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
  }
  StatusOr<std::unique_ptr<ReadConnection>> conn = db_.OpenReader();
  if (!conn.ok()) return conn.status();
  return Lease(this, std::move(conn).value());
}

void ReaderPool::Release(std::unique_ptr<ReadConnection> conn) {
  // A connection left inside a transaction would pin an old snapshot forever.
  if (conn->conn().InTransaction()) (void)conn->conn().Exec("ROLLBACK");
  std::lock_guard lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(conn));
}

Database::Database(std::string data_dir, std::string path, int busy_timeout_ms,
                   std::unique_ptr<SqliteConnection> writer)
    : data_dir_(std::move(data_dir)),
      path_(std::move(path)),
      busy_timeout_ms_(busy_timeout_ms),
      writer_(std::move(writer)),
      readers_(*this, 8) {}

Database::~Database() = default;

StatusOr<std::unique_ptr<Database>> Database::Open(const DatabaseOptions& options) {
  if (options.data_dir.empty()) return Status::InvalidArgument("storage data_dir is empty");
  std::error_code ec;
  fs::create_directories(options.data_dir, ec);
  if (ec) return Status::Unavailable("cannot create data directory " + options.data_dir + ": " + ec.message());
  std::string path = (fs::path(options.data_dir) / options.file_name).string();

  // SQLite takes an empty file for a new, empty database. A routerd.db that
  // exists but holds nothing (and has no WAL holding its first commits) has
  // lost its contents: initializing over it would be the silent reset.
  std::int64_t size = FileSize(path);
  if (size == 0 && FileSize(path + "-wal") <= 0) {
    return Status::DataLoss(path + " exists but is empty (0 bytes): a truncated database? " +
                            std::string(kNeverReset));
  }

  StatusOr<std::unique_ptr<SqliteConnection>> conn =
      SqliteConnection::Open(path, SqliteConnection::Mode::kReadWriteCreate);
  if (!conn.ok()) return conn.status();
  std::unique_ptr<Database> db(
      new Database(options.data_dir, std::move(path), options.busy_timeout_ms, std::move(conn).value()));
  ROUTERD_RETURN_IF_ERROR(db->Configure(options));
  int target = options.target_version_for_test > 0 ? options.target_version_for_test : kSchemaVersion;
  ROUTERD_RETURN_IF_ERROR(db->Migrate(target));
  // From here on a small page cache (2 MiB, about SQLite's default): the
  // writer appends one row per log and batch and keeps its dedup keys in
  // memory, so what it reads again is the right edge of each B-tree and, for
  // a duplicate, one recent row, which the operating system's cache holds
  // anyway. 32 MiB only kept written pages resident: about 38 MB of resident
  // memory per partition, for nothing measurable in journal_bench.
  ROUTERD_RETURN_IF_ERROR(db->writer_->Exec("PRAGMA cache_size=-2048"));
  return db;
}

Status Database::Configure(const DatabaseOptions& options) {
  SqliteConnection& w = *writer_;
  sqlite3_busy_timeout(w.raw(), busy_timeout_ms_);
  // The first statement that reads the header: "file is not a database" shows here.
  StatusOr<std::string> mode = w.QueryText("PRAGMA journal_mode=WAL");
  if (!mode.ok()) return Unreadable(path_, mode.status());
  if (*mode != "wal") return Status::Unavailable(path_ + ": cannot switch to WAL journal mode (got " + *mode + ")");

  if (options.quick_check) {
    StatusOr<Statement> check = w.Prepare("PRAGMA quick_check(5)");
    if (!check.ok()) return Unreadable(path_, check.status());
    std::string problems;
    for (;;) {
      StatusOr<bool> row = check->Step();
      if (!row.ok()) return Unreadable(path_, row.status());
      if (!*row) break;
      std::string line = check->ColumnText(0);
      if (line == "ok") continue;
      if (!problems.empty()) problems += "; ";
      problems += line;
    }
    if (!problems.empty()) {
      return Status::DataLoss(path_ + " failed PRAGMA quick_check (corrupt or truncated): " + problems + "; " +
                              std::string(kNeverReset));
    }
  }
  ROUTERD_RETURN_IF_ERROR(w.Exec("PRAGMA synchronous=FULL"));
  // The upgrade of an older file may build a B-tree in random order in one
  // transaction (version 9's key table): it gets a large page cache. Open()
  // shrinks it once the file is current.
  ROUTERD_RETURN_IF_ERROR(w.Exec("PRAGMA cache_size=-32768"));
  ROUTERD_RETURN_IF_ERROR(w.Exec("PRAGMA foreign_keys=ON"));
  return Status::Ok();
}

Status Database::Migrate(int target_version) {
  SqliteConnection& w = *writer_;
  Status s = w.Exec("BEGIN IMMEDIATE");
  if (!s.ok()) return Unreadable(path_, s);

  auto fail = [&](Status st) {
    if (w.InTransaction()) (void)w.Exec("ROLLBACK");
    return Unreadable(path_, st);
  };

  int version = 0;
  {
    StatusOr<Statement> has = w.Prepare(
        "SELECT (SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='schema_version'),"
        " (SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%')");
    if (!has.ok()) return fail(has.status());
    StatusOr<bool> row = has->Step();
    if (!row.ok()) return fail(row.status());
    bool versioned = has->ColumnInt64(0) > 0;
    std::int64_t tables = has->ColumnInt64(1);
    if (!versioned && tables > 0) {
      return fail(Status::FailedPrecondition(path_ + " holds " + std::to_string(tables) +
                                             " tables but no schema_version table: it is not a routerd database; "
                                             "routerd does not touch it"));
    }
    if (!versioned) {
      Status c = w.Exec("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at_ms INTEGER NOT NULL)");
      if (!c.ok()) return fail(c);
    }
  }
  {
    StatusOr<Statement> q = w.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
    if (!q.ok()) return fail(q.status());
    StatusOr<bool> row = q->Step();
    if (!row.ok()) return fail(row.status());
    version = static_cast<int>(q->ColumnInt64(0));
  }
  if (version > kSchemaVersion) {
    return fail(Status::FailedPrecondition(
        path_ + " has schema version " + std::to_string(version) + ", newer than version " +
        std::to_string(kSchemaVersion) + " known to this build of routerd: it was written by a newer routerd; "
        "run that version (or newer), routerd does not downgrade a database"));
  }
  for (int v = version + 1; v <= target_version; ++v) {
    Status m = ApplyMigration(w, v, WallMs());
    if (!m.ok()) {
      // Rows no routerd writes are the file's fault, not the build's.
      const StatusCode code = m.code() == StatusCode::kDataLoss ? StatusCode::kDataLoss : StatusCode::kInternal;
      return fail(Status(code, "migration to schema version " + std::to_string(v) + ": " + m.message()));
    }
    StatusOr<Statement> ins = w.Prepare("INSERT INTO schema_version (version, applied_at_ms) VALUES (?1, ?2)");
    if (!ins.ok()) return fail(ins.status());
    Status r = ins->Bind(1, std::int64_t{v}).Bind(2, WallMs()).Run();
    if (!r.ok()) return fail(r);
  }
  s = w.Exec("COMMIT");
  if (!s.ok()) return fail(s);
  schema_version_ = std::max(version, target_version);
  return Status::Ok();
}

StatusOr<std::unique_ptr<ReadConnection>> Database::OpenReader() const {
  StatusOr<std::unique_ptr<SqliteConnection>> conn = SqliteConnection::Open(path_, SqliteConnection::Mode::kReadOnly);
  if (!conn.ok()) return conn.status();
  sqlite3_busy_timeout((*conn)->raw(), busy_timeout_ms_);
  return std::make_unique<ReadConnection>(std::move(conn).value());
}

}  // namespace routerd::storage
