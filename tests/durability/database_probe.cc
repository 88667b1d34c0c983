#include "tests/durability/database_probe.h"

#include <sqlite3.h>

#include <thread>

namespace routerd::durability {

StatusOr<std::unique_ptr<DatabaseProbe>> DatabaseProbe::Open(const std::string& db_path) {
  StatusOr<std::unique_ptr<storage::SqliteConnection>> conn =
      storage::SqliteConnection::Open(db_path, storage::SqliteConnection::Mode::kReadOnly);
  if (!conn.ok()) return conn.status();
  // A reader may briefly wait while the WAL index is rebuilt after a crash.
  sqlite3_busy_timeout((*conn)->raw(), 5000);
  return std::unique_ptr<DatabaseProbe>(new DatabaseProbe(std::move(conn).value()));
}

StatusOr<std::int64_t> DatabaseProbe::Count(std::string_view sql) {
  StatusOr<storage::Statement> st = conn_->Prepare(sql);
  if (!st.ok()) return st.status();
  StatusOr<bool> row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no row from " + std::string(sql));
  return st->ColumnInt64(0);
}

StatusOr<std::vector<ContactRow>> DatabaseProbe::Contacts() {
  StatusOr<storage::Statement> st = conn_->Prepare(
      "SELECT channel_id, provider_message_id, customer_id, text, session_id, leave_message_id FROM contacts"
      " ORDER BY seq");
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
    rows.push_back(std::move(c));
  }
  return rows;
}

StatusOr<std::vector<SessionRow>> DatabaseProbe::Sessions() {
  StatusOr<storage::Statement> st = conn_->Prepare(
      "SELECT session_id, channel_id, customer_id, queue_id, arrival_ms, employee_id, ended_at_ms FROM sessions"
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
    rows.push_back(std::move(s));
  }
  return rows;
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
