// PgReaderPool: a few PostgreSQL connections for reads (leave-message pages,
// history, recovery, administration state), never the writers' connections,
// so reads never wait behind a batch. A connection is lent for one call and
// returned; a broken one is dropped and a fresh one opened on the next loan.
//
// Thread safety: Acquire from any thread except a writer thread; a Lease is
// used by one thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/storage/postgresql/pg_connection.h"
#include "routerd/status.h"

namespace routerd::storage {

class PgReaderPool {
 public:
  class Lease {
   public:
    Lease(PgReaderPool* pool, std::unique_ptr<PgConnection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    PgConnection& operator*() const { return *conn_; }
    PgConnection* operator->() const { return conn_.get(); }

   private:
    PgReaderPool* pool_;
    std::unique_ptr<PgConnection> conn_;
  };

  // At most `max_connections` open at once; a caller beyond waits.
  PgReaderPool(std::string conninfo, PgSessionSettings settings, std::size_t max_connections);

  // Unavailable when the server cannot be reached.
  StatusOr<Lease> Acquire();

 private:
  void Return(std::unique_ptr<PgConnection> conn);

  const std::string conninfo_;
  const PgSessionSettings settings_;
  const std::size_t max_connections_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConnection>> idle_;  // guarded by mu_
  std::size_t open_ = 0;                             // guarded by mu_: idle and lent
};

}  // namespace routerd::storage
