#include "tests/support/postgres_environment.h"

#include <unistd.h>

#include <atomic>
#include <memory>
#include <mutex>

namespace routerd::testing {
namespace {

struct Shared {
  std::once_flag once;
  Status error;
  // Destroyed at exit, which stops the server and removes its files. A test
  // binary that dies instead takes the server with it (child_process.h).
  std::unique_ptr<PostgresServer> server;
};

Shared& TheShared() {
  static Shared shared;
  return shared;
}

}  // namespace

StatusOr<PostgresServer*> SharedPostgres() {
  Shared& shared = TheShared();
  std::call_once(shared.once, [&shared] {
    StatusOr<std::unique_ptr<PostgresServer>> started = PostgresServer::Start();
    if (started.ok()) {
      shared.server = std::move(started).value();
    } else {
      shared.error = started.status();
    }
  });
  if (shared.server == nullptr) return shared.error;
  return shared.server.get();
}

StatusOr<std::string> FreshDatabase(std::string_view prefix) {
  static std::atomic<int> counter{0};
  StatusOr<PostgresServer*> server = SharedPostgres();
  if (!server.ok()) return server.status();
  std::string name =
      std::string(prefix) + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter.fetch_add(1));
  ROUTERD_RETURN_IF_ERROR((*server)->CreateDatabase(name));
  return (*server)->ConnInfo(name);
}

}  // namespace routerd::testing
