#include "tests/durability/database_probe.h"

#include <thread>

#include "tests/durability/postgres_database_probe.h"
#include "tests/durability/sqlite_database_probe.h"

namespace routerd::durability {

StatusOr<std::unique_ptr<DatabaseProbe>> DatabaseProbe::Open(const DurabilityConfig& config) {
  if (config.backend == "sqlite") return SqliteDatabaseProbe::Open(config.data_dir);
  if (config.backend == "postgresql") return PostgresDatabaseProbe::Open(config.url);
  return Status::InvalidArgument("no probe for storage backend \"" + config.backend + "\"");
}

bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace routerd::durability
