// The DatabaseProbe of the SQLite backend: one read-only connection on the
// data directory's routerd.db with every routerd-<i>.db attached. WAL lets it
// see the last commit without disturbing the writer. It folds the journal
// into the temporary tables `contacts` and `sessions` (database_probe.h),
// which shadow the stored tables of the same names.
//
// Thread safety: one probe per thread.
#pragma once

#include <memory>
#include <string>

#include "engine/storage/sqlite/sqlite_connection.h"
#include "tests/durability/database_probe.h"

namespace routerd::durability {

class SqliteDatabaseProbe final : public DatabaseProbe {
 public:
  // Opens every journal file of `data_dir` read-only.
  static StatusOr<std::unique_ptr<DatabaseProbe>> Open(const std::string& data_dir);

  StatusOr<std::int64_t> Count(std::string_view sql) override;
  StatusOr<std::vector<ContactRow>> Contacts() override;
  StatusOr<std::vector<SessionRow>> Sessions() override;

 private:
  SqliteDatabaseProbe(std::unique_ptr<storage::SqliteConnection> conn, int partitions)
      : conn_(std::move(conn)), partitions_(partitions) {}
  // Rebuilds the temporary tables from the files as they are now.
  Status Refresh();
  std::unique_ptr<storage::SqliteConnection> conn_;
  int partitions_;
};

}  // namespace routerd::durability
