// Database: opens one journal file (<data_dir>/routerd.db or a partition
// routerd-<i>.db), checks it, and brings its schema up to date; hands out the single writer connection and reader connections.
//
// Open refuses, with a Status that says what to do, and never resets:
//   - a file that is not a database, or fails PRAGMA quick_check (corrupt or
//     truncated): DataLoss;
//   - an existing empty file without a WAL (a database truncated to nothing):
//     DataLoss;
//   - a schema newer than this build knows: FailedPrecondition naming both
//     versions;
//   - a database holding tables but no schema_version (not routerd's).
// Settings: WAL journal, synchronous=FULL (a commit is on disk when COMMIT
// returns), foreign keys on, a busy timeout. Migrations (schema.h) run in order
// inside one transaction, so a crash mid-upgrade leaves the old version.
//
// Readers: WAL lets readers work on a snapshot while the writer commits, so
// queries use their own read-only connections (ReadConnection, or leases from
// the ReaderPool) and never wait for the writer thread.
//
// Lifetime: every ReadConnection and ReaderPool lease must be released before
// the Database is destroyed.
//
// Thread safety: Open from one thread. writer() belongs to one thread at a time
// (the JournalWriter's once it runs). OpenReader() and readers() from any
// thread; each ReadConnection is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/storage/sqlite/sqlite_connection.h"
#include "routerd/status.h"

namespace routerd::storage {

struct DatabaseOptions {
  // REQUIRED. Created, with its parents, when missing.
  std::string data_dir;
  // Default: routerd.db. The file under data_dir.
  std::string file_name = "routerd.db";
  // Default: 5000. How long a connection retries a locked database.
  int busy_timeout_ms = 5000;
  // Default: true. Run PRAGMA quick_check at open (cost grows with the file).
  bool quick_check = true;
  // Default: 0 (= kSchemaVersion). Tests set it to build older databases.
  int target_version_for_test = 0;
};

// A read-only connection. Snapshot() groups several queries on one consistent
// view of the database.
class ReadConnection {
 public:
  explicit ReadConnection(std::unique_ptr<SqliteConnection> conn) : conn_(std::move(conn)) {}

  SqliteConnection& conn() { return *conn_; }

  // RAII read transaction. Ends (COMMIT) when destroyed.
  class Snapshot {
   public:
    explicit Snapshot(ReadConnection& rc);
    ~Snapshot();
    Snapshot(const Snapshot&) = delete;
    Snapshot& operator=(const Snapshot&) = delete;
    const Status& status() const { return status_; }

   private:
    ReadConnection& rc_;
    Status status_;
  };

 private:
  std::unique_ptr<SqliteConnection> conn_;
};

class Database;

// Reader connections for callers on many threads (the message REST API): a
// lease takes an idle connection or opens one; releasing it returns it.
class ReaderPool {
 public:
  ReaderPool(const Database& db, std::size_t max_idle) : db_(db), max_idle_(max_idle) {}
  ~ReaderPool();

  class Lease {
   public:
    Lease(ReaderPool* pool, std::unique_ptr<ReadConnection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    ReadConnection& operator*() { return *conn_; }
    ReadConnection* operator->() { return conn_.get(); }

   private:
    ReaderPool* pool_;
    std::unique_ptr<ReadConnection> conn_;
  };

  StatusOr<Lease> Acquire();

 private:
  void Release(std::unique_ptr<ReadConnection> conn);

  const Database& db_;
  const std::size_t max_idle_;
  std::mutex mu_;
  std::vector<std::unique_ptr<ReadConnection>> idle_;  // guarded by mu_
};

class Database {
 public:
  static constexpr const char* kFileName = "routerd.db";

  static StatusOr<std::unique_ptr<Database>> Open(const DatabaseOptions& options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // The one connection that writes. REQUIRES: used by one thread at a time.
  SqliteConnection& writer() { return *writer_; }
  // A new read-only connection with the same busy timeout.
  StatusOr<std::unique_ptr<ReadConnection>> OpenReader() const;
  ReaderPool& readers() { return readers_; }

  int schema_version() const { return schema_version_; }
  const std::string& data_dir() const { return data_dir_; }
  const std::string& path() const { return path_; }

 private:
  Database(std::string data_dir, std::string path, int busy_timeout_ms, std::unique_ptr<SqliteConnection> writer);
  Status Configure(const DatabaseOptions& options);
  Status Migrate(int target_version);

  std::string data_dir_;
  std::string path_;
  int busy_timeout_ms_;
  int schema_version_ = 0;
  std::unique_ptr<SqliteConnection> writer_;
  ReaderPool readers_;
};

}  // namespace routerd::storage
