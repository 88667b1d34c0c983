// WalCheckpointer: copies a journal file's write-ahead log back into the
// database on a thread of its own, so that the writer's commits never wait
// for it.
//
// Why. In WAL mode a commit appends to the log and syncs it; from time to
// time the log must be copied into the database file (a checkpoint), which
// writes and syncs that file too. SQLite's default does it inside the commit
// that crosses 1000 log pages, on the committing connection: the journal
// writer, whose every record waits meanwhile. With sync durability each
// webhook waits for its commit: on the development VM, 4 of 24 five-second
// wrk runs of sync ingest with SQLite's default had a p99 of 126 to 363 ms
// (5 to 7 ms otherwise); with the checkpoints off the writer (or with none
// at all, as an experiment), none of 18.
//
// How. The writer connection's own checkpoints are off; its WAL hook (called
// on the writer thread after each commit with the log's size) wakes this
// thread once the log holds `threshold_pages` more than it last copied (a
// thread that ran at every commit would sync the database file as often as
// the writer syncs the log). The thread runs a PASSIVE
// checkpoint on its own connection: it copies what no reader still needs,
// taking no lock the writer waits for. Once everything is copied the writer
// starts the log from its beginning again at its next commit. Should the
// log still reach `writer_limit_pages` (this thread starved of CPU, or held
// back by a long reader), the writer checkpoints inline as SQLite would, so
// the log stays bounded.
//
// Durability is SQLite's either way: a commit is on disk once the log is
// synced; a checkpoint only moves committed pages.
//
// Thread safety: constructed and destroyed on the thread that owns the
// writer connection, while no commit runs; stats() from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "engine/storage/sqlite/sqlite_connection.h"
#include "routerd/status.h"

namespace routerd::storage {

struct WalCheckpointerOptions {
  // Default: 1000, SQLite's own threshold. Log pages that wake the thread.
  int threshold_pages = 1000;
  // Default: 4000 (16 MiB of 4 KiB pages). Log pages past which the writer
  // checkpoints inline.
  int writer_limit_pages = 4000;
};

struct WalCheckpointStats {
  std::uint64_t by_checkpointer = 0;  // checkpoints this thread ran
  std::uint64_t by_writer = 0;        // checkpoints the writer ran inline
};

class WalCheckpointer {
 public:
  // Opens a connection of its own to `path`, takes over `writer`'s WAL hook
  // and starts the thread. `writer` must outlive the checkpointer.
  static StatusOr<std::unique_ptr<WalCheckpointer>> Start(const std::string& path, SqliteConnection& writer,
                                                          WalCheckpointerOptions options = {});
  // Gives the writer its hook back (no checkpoints until it closes, when
  // SQLite checkpoints the log) and joins the thread.
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  WalCheckpointStats stats() const;

 private:
  WalCheckpointer(std::unique_ptr<SqliteConnection> conn, SqliteConnection& writer, WalCheckpointerOptions options);
  static int OnCommit(void* self, sqlite3* db, const char* schema, int log_pages);
  void Run();

  std::unique_ptr<SqliteConnection> conn_;  // the thread's
  SqliteConnection& writer_;
  const WalCheckpointerOptions options_;
  std::atomic<bool> wanted_{false};  // set by the writer's hook, cleared by the thread after its checkpoint
  // The log size at which the hook wakes the thread next.
  std::atomic<int> next_wake_pages_;
  int last_log_pages_ = 0;  // writer thread only
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::atomic<std::uint64_t> by_checkpointer_{0}, by_writer_{0};
  std::thread thread_;
};

}  // namespace routerd::storage
