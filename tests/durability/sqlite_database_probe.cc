#include "tests/durability/sqlite_database_probe.h"

#include <sqlite3.h>

#include <filesystem>
#include <string>

#include "tests/storage/contact_log_table.h"
#include "tests/storage/event_log_table.h"

namespace routerd::durability {

namespace {

std::string Schema(int partition) { return partition == 0 ? "main" : "p" + std::to_string(partition); }

}  // namespace

StatusOr<std::unique_ptr<DatabaseProbe>> SqliteDatabaseProbe::Open(const std::string& data_dir) {
  StatusOr<std::unique_ptr<storage::SqliteConnection>> conn =
      storage::SqliteConnection::Open(data_dir + "/routerd.db", storage::SqliteConnection::Mode::kReadOnly);
  if (!conn.ok()) return conn.status();
  // A reader may briefly wait while the WAL index is rebuilt after a crash.
  sqlite3_busy_timeout((*conn)->raw(), 5000);
  int partitions = 1;
  for (; std::filesystem::exists(data_dir + "/routerd-" + std::to_string(partitions) + ".db"); ++partitions) {
    std::string file = data_dir + "/routerd-" + std::to_string(partitions) + ".db";
    ROUTERD_RETURN_IF_ERROR((*conn)->Exec("ATTACH DATABASE '" + file + "' AS " + Schema(partitions)));
  }
  return std::unique_ptr<DatabaseProbe>(new SqliteDatabaseProbe(std::move(conn).value(), partitions));
}

Status SqliteDatabaseProbe::Refresh() {
  // One read transaction: every file as of one moment per file. The logs'
  // rows are decoded into temp.logged and temp.ev first.
  Status s = conn_->Exec(std::string("BEGIN; DROP TABLE IF EXISTS temp.logged; DROP TABLE IF EXISTS temp.ev;"
                                     "CREATE TEMP TABLE logged (seq INTEGER PRIMARY KEY, ") +
                         storage::testing::kLoggedContactColumns + ");" +
                         "CREATE TEMP TABLE ev (seq INTEGER PRIMARY KEY, " + storage::testing::kLoggedEventColumns +
                         ");");
  for (int p = 0; s.ok() && p < partitions_; ++p) {
    s = storage::testing::AppendLoggedContacts(*conn_, Schema(p), "temp.logged", p);
    if (s.ok()) s = storage::testing::AppendLoggedEvents(*conn_, Schema(p), "temp.ev", p);
  }
  std::string sql =
      "DROP TABLE IF EXISTS temp.contacts; DROP TABLE IF EXISTS temp.sessions;"
      "CREATE INDEX temp.ev_key ON ev(channel_id, provider_message_id);"
      "CREATE INDEX temp.ev_session ON ev(part, tenant_id, session_id, seq);"
      "CREATE TEMP TABLE contacts AS SELECT c.part, c.seq, c.accepted_at_ms, c.tenant_id, c.channel_id,"
      " c.provider_message_id, c.customer_id, c.text,"
      " (SELECT e.session_id FROM ev e WHERE e.kind IN (1, 2) AND e.channel_id = c.channel_id"
      "  AND e.provider_message_id = c.provider_message_id ORDER BY e.part, e.seq DESC LIMIT 1) AS session_id,"
      " (SELECT CAST(e.detail AS INTEGER) FROM ev e WHERE e.kind = 6 AND e.channel_id = c.channel_id"
      "  AND e.provider_message_id = c.provider_message_id LIMIT 1) AS leave_message_id"
      " FROM temp.logged c;"
      "CREATE TEMP TABLE sessions AS SELECT o.tenant_id, o.session_id, o.channel_id, o.customer_id,"
      " COALESCE((SELECT r.queue_id FROM ev r WHERE r.part = o.part AND r.tenant_id = o.tenant_id"
      "  AND r.session_id = o.session_id AND r.kind = 4 AND r.queue_id <> '' ORDER BY r.seq DESC LIMIT 1),"
      "  o.queue_id) AS queue_id,"
      " o.arrival_ms,"
      " (SELECT CASE WHEN a.kind = 3 THEN a.employee_id END FROM ev a WHERE a.part = o.part"
      "  AND a.tenant_id = o.tenant_id AND a.session_id = o.session_id AND a.kind IN (3, 4)"
      "  ORDER BY a.seq DESC LIMIT 1) AS employee_id,"
      " (SELECT x.seq FROM ev x WHERE x.part = o.part AND x.tenant_id = o.tenant_id AND x.session_id = o.session_id"
      "  AND x.kind = 5 LIMIT 1) AS ended_at_ms,"
      " (SELECT x.detail FROM ev x WHERE x.part = o.part AND x.tenant_id = o.tenant_id AND x.session_id = o.session_id"
      "  AND x.kind = 5 LIMIT 1) AS end_reason"
      " FROM ev o WHERE o.kind = 1;"
      "COMMIT;";
  if (s.ok()) s = conn_->Exec(sql);
  if (!s.ok() && conn_->InTransaction()) (void)conn_->Exec("ROLLBACK");
  return s;
}

StatusOr<std::int64_t> SqliteDatabaseProbe::Count(std::string_view sql) {
  ROUTERD_RETURN_IF_ERROR(Refresh());
  StatusOr<storage::Statement> st = conn_->Prepare(sql);
  if (!st.ok()) return st.status();
  StatusOr<bool> row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no row from " + std::string(sql));
  return st->ColumnInt64(0);
}

StatusOr<std::vector<ContactRow>> SqliteDatabaseProbe::Contacts() {
  ROUTERD_RETURN_IF_ERROR(Refresh());
  StatusOr<storage::Statement> st = conn_->Prepare(
      "SELECT channel_id, provider_message_id, customer_id, text, session_id, leave_message_id, tenant_id"
      " FROM temp.contacts"
      " ORDER BY accepted_at_ms, part, seq");
  if (!st.ok()) return st.status();
  std::vector<ContactRow> rows;
  for (;;) {
    StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    ContactRow c;
    c.channel_id = st->ColumnText(0);
    c.provider_message_id = st->ColumnText(1);
    c.customer_id = st->ColumnText(2);
    c.text = st->ColumnText(3);
    if (!st->ColumnIsNull(4)) c.session_id = st->ColumnInt64(4);
    if (!st->ColumnIsNull(5)) c.leave_message_id = st->ColumnInt64(5);
    c.tenant_id = st->ColumnText(6);
    rows.push_back(std::move(c));
  }
  return rows;
}

StatusOr<std::vector<SessionRow>> SqliteDatabaseProbe::Sessions() {
  ROUTERD_RETURN_IF_ERROR(Refresh());
  StatusOr<storage::Statement> st = conn_->Prepare(
      "SELECT session_id, channel_id, customer_id, queue_id, arrival_ms, employee_id, ended_at_ms, tenant_id"
      " FROM temp.sessions"
      " ORDER BY arrival_ms, session_id");
  if (!st.ok()) return st.status();
  std::vector<SessionRow> rows;
  for (;;) {
    StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    SessionRow s;
    s.session_id = static_cast<std::uint64_t>(st->ColumnInt64(0));
    s.channel_id = st->ColumnText(1);
    s.customer_id = st->ColumnText(2);
    s.queue_id = st->ColumnText(3);
    s.arrival_ms = st->ColumnInt64(4);
    s.employee_id = st->ColumnOptionalText(5);
    s.ended = !st->ColumnIsNull(6);
    s.tenant_id = st->ColumnText(7);
    rows.push_back(std::move(s));
  }
  return rows;
}

}  // namespace routerd::durability
