#include "tests/durability/durability_backend.h"

#include "tests/support/postgres_environment.h"

namespace routerd::durability {

Status UseBackend(std::string_view backend, DurabilityConfig& config) {
  config.url.clear();
  if (backend == kSqlite) {
    config.backend = std::string(kSqlite);
    return Status::Ok();
  }
  if (backend != kPostgresql) return Status::InvalidArgument("no storage backend \"" + std::string(backend) + "\"");
  StatusOr<std::string> url = testing::FreshDatabase("durability");
  if (!url.ok()) return url.status();
  config.backend = std::string(kPostgresql);
  config.url = std::move(url).value();
  return Status::Ok();
}

}  // namespace routerd::durability
