// The DatabaseProbe of the PostgreSQL backend: the test's database on the
// shared private server (tests/support/postgres_environment.h), queried
// through psql, so that nothing of the daemon's own client code is involved.
// Each call is one statement, hence one snapshot of all the journal's writers:
// the folded `contacts` and `sessions` (database_probe.h) are common table
// expressions in front of the caller's SQL, shadowing the stored tables of the
// same names.
//
// Thread safety: one probe per thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/durability/database_probe.h"
#include "tests/support/postgres_server.h"

namespace routerd::durability {

class PostgresDatabaseProbe final : public DatabaseProbe {
 public:
  // `url` must name a database of the shared test server (the URL
  // testing::FreshDatabase returned). Error when it does not, or the server
  // does not answer.
  static StatusOr<std::unique_ptr<DatabaseProbe>> Open(const std::string& url);

  StatusOr<std::int64_t> Count(std::string_view sql) override;
  StatusOr<std::vector<ContactRow>> Contacts() override;
  StatusOr<std::vector<SessionRow>> Sessions() override;

 private:
  using Row = std::vector<std::optional<std::string>>;  // nullopt: NULL

  PostgresDatabaseProbe(testing::PostgresServer* server, std::string database)
      : server_(server), database_(std::move(database)) {}
  // Runs `select` (a SELECT of `columns` columns over the folded relations)
  // and returns its rows, every value exactly as stored.
  StatusOr<std::vector<Row>> Rows(std::string_view select, int columns);

  testing::PostgresServer* server_;
  std::string database_;
};

}  // namespace routerd::durability
