#include "engine/storage/postgresql/pg_reader_pool.h"

#include <utility>

namespace routerd::storage {

PgReaderPool::Lease::~Lease() {
  if (pool_ != nullptr && conn_) pool_->Return(std::move(conn_));
}

PgReaderPool::PgReaderPool(std::string conninfo, PgSessionSettings settings, std::size_t max_connections)
    : conninfo_(std::move(conninfo)), settings_(std::move(settings)), max_connections_(max_connections) {}

StatusOr<PgReaderPool::Lease> PgReaderPool::Acquire() {
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_connections_; });
    while (!idle_.empty()) {
      std::unique_ptr<PgConnection> conn = std::move(idle_.back());
      idle_.pop_back();
      if (!conn->Broken()) return Lease(this, std::move(conn));
      --open_;  // dropped: the server went away since it was used
    }
    ++open_;
  }
  StatusOr<std::unique_ptr<PgConnection>> conn = PgConnection::Connect(conninfo_, settings_);
  if (!conn.ok()) {
    {
      std::lock_guard lock(mu_);
      --open_;
    }
    cv_.notify_one();
    return conn.status();
  }
  return Lease(this, std::move(conn).value());
}

void PgReaderPool::Return(std::unique_ptr<PgConnection> conn) {
  {
    std::lock_guard lock(mu_);
    if (conn->Broken() || conn->InTransaction()) {
      --open_;  // never hand on a connection left inside a transaction
    } else {
      idle_.push_back(std::move(conn));
    }
  }
  cv_.notify_one();
}

}  // namespace routerd::storage
