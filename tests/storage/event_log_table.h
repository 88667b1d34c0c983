// The event log as a table, for tests that select session events with SQL:
// the journal keeps a writer batch's session events in one event_log row, so
// this decodes them into a table, one row each, in the columns the
// session_events table had (an absent field reads as NULL), numbered in
// write order.
#pragma once

#include <string>

#include "engine/storage/sqlite/event_log.h"
#include "engine/storage/sqlite/sqlite_connection.h"
#include "routerd/status.h"

namespace routerd::storage::testing {

// The columns of the tables below, after seq.
inline constexpr const char* kLoggedEventColumns =
    "part INTEGER, at_ms INTEGER, tenant_id TEXT, session_id INTEGER, kind INTEGER, channel_id TEXT,"
    " provider_message_id TEXT, queue_id TEXT, employee_id TEXT, channel_kind TEXT, customer_id TEXT,"
    " arrival_ms INTEGER, detail TEXT";

// Appends the events of `schema`.event_log to `table` (seq INTEGER PRIMARY
// KEY, then kLoggedEventColumns), in write order, each with `part`; the kept
// route traces (rows of `schema`.session_events) are not among them.
inline Status AppendLoggedEvents(SqliteConnection& conn, const std::string& schema, const std::string& table,
                                 int part) {
  StatusOr<Statement> rows = conn.Prepare("SELECT at_ms, events FROM " + schema + ".event_log ORDER BY seq");
  if (!rows.ok()) return rows.status();
  for (;;) {
    StatusOr<bool> row = rows->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const std::int64_t at_ms = rows->ColumnInt64(0);
    ROUTERD_RETURN_IF_ERROR(ForEachLoggedEvent(rows->ColumnBlob(1), [&](const LoggedEvent& e) -> Status {
      StatusOr<Statement> st = conn.Prepare(
          "INSERT INTO " + table + " (part, at_ms, tenant_id, session_id, kind, channel_id, provider_message_id,"
          " queue_id, employee_id, channel_kind, customer_id, arrival_ms, detail)"
          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
      if (!st.ok()) return st.status();
      auto text = [&](int index, const std::optional<std::string_view>& v) {
        if (v.has_value()) {
          st->Bind(index, *v);
        } else {
          st->BindNull(index);
        }
      };
      st->Bind(1, std::int64_t{part}).Bind(2, at_ms).Bind(3, e.tenant_id);
      st->Bind(4, static_cast<std::int64_t>(e.session_id)).Bind(5, static_cast<std::int64_t>(e.kind));
      text(6, e.channel_id);
      text(7, e.provider_message_id);
      text(8, e.queue_id);
      text(9, e.employee_id);
      text(10, e.channel_kind);
      text(11, e.customer_id);
      if (e.kind == SessionEventKind::kOpened) {
        st->Bind(12, e.arrival_ms);
      } else {
        st->BindNull(12);
      }
      text(13, e.detail);
      return st->Run();
    }));
  }
  return Status::Ok();
}

// Replaces temp.events on `conn` with the events of the main schema's
// event_log.
inline Status MaterializeEvents(SqliteConnection& conn) {
  ROUTERD_RETURN_IF_ERROR(conn.Exec(std::string("DROP TABLE IF EXISTS temp.events;"
                                                "CREATE TEMP TABLE events (seq INTEGER PRIMARY KEY, ") +
                                    kLoggedEventColumns + ");"));
  return AppendLoggedEvents(conn, "main", "temp.events", 0);
}

}  // namespace routerd::storage::testing
