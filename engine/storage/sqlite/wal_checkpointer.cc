#include "engine/storage/sqlite/wal_checkpointer.h"

#include <sqlite3.h>

#include <utility>

#include "engine/base/thread_name.h"

namespace routerd::storage {

StatusOr<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(const std::string& path, SqliteConnection& writer,
                                                                  WalCheckpointerOptions options) {
  StatusOr<std::unique_ptr<SqliteConnection>> conn = SqliteConnection::Open(path, SqliteConnection::Mode::kReadWrite);
  if (!conn.ok()) return conn.status();
  // The copy is synced before the log may be reused, as on the writer.
  ROUTERD_RETURN_IF_ERROR((*conn)->Exec("PRAGMA synchronous=FULL"));
  std::unique_ptr<WalCheckpointer> c(new WalCheckpointer(std::move(conn).value(), writer, options));
  // Replaces SQLite's automatic checkpoint, which is itself a WAL hook.
  sqlite3_wal_hook(writer.raw(), &WalCheckpointer::OnCommit, c.get());
  c->thread_ = std::thread([self = c.get()] {
    SetThreadName("rd-checkpoint");
    self->Run();
  });
  return c;
}

WalCheckpointer::WalCheckpointer(std::unique_ptr<SqliteConnection> conn, SqliteConnection& writer,
                                 WalCheckpointerOptions options)
    : conn_(std::move(conn)), writer_(writer), options_(options), next_wake_pages_(options.threshold_pages) {}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_hook(writer_.raw(), nullptr, nullptr);
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

WalCheckpointStats WalCheckpointer::stats() const {
  return WalCheckpointStats{by_checkpointer_.load(std::memory_order_relaxed),
                            by_writer_.load(std::memory_order_relaxed)};
}

int WalCheckpointer::OnCommit(void* self, sqlite3* db, const char* schema, int log_pages) {
  auto* c = static_cast<WalCheckpointer*>(self);
  if (log_pages < c->last_log_pages_) {
    // The writer started the log from its beginning: everything before was copied.
    c->next_wake_pages_.store(c->options_.threshold_pages, std::memory_order_relaxed);
  }
  c->last_log_pages_ = log_pages;
  if (log_pages >= c->options_.writer_limit_pages) {
    // What SQLite would have done: the log must not grow without bound.
    // Usually cheap, the thread having copied most of it. A failure (busy:
    // the thread is checkpointing) leaves it to the thread.
    if (sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) == SQLITE_OK) {
      c->by_writer_.fetch_add(1, std::memory_order_relaxed);
    }
    return SQLITE_OK;
  }
  // One wake-up per threshold's worth of new log, not one per commit.
  if (log_pages >= c->next_wake_pages_.load(std::memory_order_relaxed) &&
      !c->wanted_.exchange(true, std::memory_order_acq_rel)) {
    std::lock_guard lock(c->mu_);
    c->cv_.notify_one();
  }
  return SQLITE_OK;
}

void WalCheckpointer::Run() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || wanted_.load(std::memory_order_acquire); });
      if (stopping_) return;
    }
    // Busy (the writer checkpointing inline) or an I/O error: the next
    // commit past the threshold asks again, and a commit that finds the
    // log past the limit checkpoints itself.
    int log_pages = 0;
    if (sqlite3_wal_checkpoint_v2(conn_->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_pages, nullptr) ==
        SQLITE_OK) {
      by_checkpointer_.fetch_add(1, std::memory_order_relaxed);
      // Commits made meanwhile are copied next time, once there are enough.
      next_wake_pages_.store(log_pages + options_.threshold_pages, std::memory_order_relaxed);
    }
    wanted_.store(false, std::memory_order_release);
  }
}

}  // namespace routerd::storage
