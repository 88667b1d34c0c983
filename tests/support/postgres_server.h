// A private PostgreSQL server for tests: its own cluster in a temporary
// directory, reachable only through a Unix socket in that directory, started
// and stopped by the test process.
//
// The server is a child of the test process and dies with it (see
// child_process.h), so a failing, crashing or killed test leaves no server
// running. When the tests run as root, the cluster belongs to and runs as the
// `postgres` system user, since PostgreSQL refuses to run as root.
//
// Thread safety: ConnInfo, Psql, CreateDatabase and DropDatabase may be called
// from any number of threads at once. Stop, Restart and Kill must not overlap
// each other; while one runs, the others fail the way a client of a stopped
// server fails.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "routerd/status.h"
#include "tests/support/child_process.h"

namespace routerd::testing {

class PostgresServer {
 public:
  // Creates a cluster, starts the server and creates the database "routerd".
  // Unavailable when PostgreSQL is not installed or does not come up; the
  // message then carries the server log's tail.
  static StatusOr<std::unique_ptr<PostgresServer>> Start();

  // Stops the server and removes the temporary directory.
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // A libpq URL for `database` on this server.
  std::string ConnInfo(std::string_view database = "routerd") const;
  std::string socket_dir() const { return socket_dir_; }
  int port() const { return port_; }
  // The postmaster's pid; -1 while stopped.
  pid_t pid() const { return pid_.load(); }
  // The temporary directory holding the cluster, the socket and the log.
  const std::string& root_dir() const { return root_dir_; }

  // Creates an empty database (AlreadyExists if one has that name).
  Status CreateDatabase(std::string_view name);
  // Drops the database, disconnecting its sessions; no error if it is absent.
  Status DropDatabase(std::string_view name);
  // Runs `sql` in `database` through psql and returns its unaligned, tuples-only
  // output (`psql -At`) without the final newline. The SQL stops at its first
  // error, which comes back as Internal with psql's message; Unavailable when
  // the server cannot be reached.
  StatusOr<std::string> Psql(std::string_view database, std::string_view sql);

  // Fast shutdown: sessions are disconnected, committed data is kept.
  // Idempotent.
  Status Stop();
  // Stops the server, then starts it again on the same directories and port,
  // so connection strings stay valid.
  Status Restart();
  // SIGKILLs the postmaster, as a crash would, and waits for its backends to
  // exit. Restart() brings the server back through crash recovery.
  Status Kill();

  // The last lines of the server log, for failure messages.
  std::string LogTail() const;

 private:
  PostgresServer() = default;

  Status InitCluster();
  Status StartPostmaster();
  Status WaitUntilReady(std::chrono::seconds timeout);
  ChildSpec Command(std::string_view program, std::initializer_list<std::string> args) const;
  // Waits until no process is left running in the data directory: a new
  // postmaster refuses to start while old backends still hold shared memory.
  Status WaitForServerProcessesToExit(std::chrono::seconds timeout) const;

  std::string bin_dir_;
  std::string root_dir_;
  std::string data_dir_;
  std::string socket_dir_;
  std::string log_file_;
  int port_ = 0;
  std::optional<Credentials> run_as_;
  std::atomic<pid_t> pid_{-1};
  // A process forked from the test inherits this object; only the process
  // that started the server may stop it or remove its files.
  pid_t owner_ = -1;
};

}  // namespace routerd::testing
