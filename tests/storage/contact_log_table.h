// The contact log as a table, for tests that count or select contacts with
// SQL: the journal keeps a writer batch's contacts in one contact_log row, so
// this decodes them into temp.contacts, one row each, in the columns the
// contacts table had (an empty provider message id, phone or attachments
// reads as NULL). A temp table is found before the main schema's, so SQL
// naming `contacts` reads it.
#pragma once

#include <string>

#include "engine/storage/sqlite/contact_log.h"
#include "engine/storage/sqlite/sqlite_connection.h"
#include "routerd/status.h"

namespace routerd::storage::testing {

// The columns of the tables below, after seq.
inline constexpr const char* kLoggedContactColumns =
    "part INTEGER, accepted_at_ms INTEGER, tenant_id TEXT, channel_kind TEXT, channel_id TEXT, customer_id TEXT,"
    " display_name TEXT, provider_message_id TEXT, text TEXT, sent_at_ms INTEGER, received_at_ms INTEGER,"
    " attachments TEXT, phone TEXT";

// Appends the contacts of `schema`.contact_log to `table` (seq INTEGER
// PRIMARY KEY, then kLoggedContactColumns), in log order, each with `part`.
inline Status AppendLoggedContacts(SqliteConnection& conn, const std::string& schema, const std::string& table,
                                   int part) {
  StatusOr<Statement> rows = conn.Prepare("SELECT accepted_at_ms, contacts FROM " + schema + ".contact_log ORDER BY seq");
  if (!rows.ok()) return rows.status();
  for (;;) {
    StatusOr<bool> row = rows->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const std::int64_t accepted_at_ms = rows->ColumnInt64(0);
    ROUTERD_RETURN_IF_ERROR(ForEachLoggedContact(rows->ColumnBlob(1), [&](const LoggedContact& c) -> Status {
      StatusOr<Statement> st = conn.Prepare(
          "INSERT INTO " + table + " (part, accepted_at_ms, tenant_id, channel_kind, channel_id, customer_id,"
          " display_name, provider_message_id, text, sent_at_ms, received_at_ms, attachments, phone)"
          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
      if (!st.ok()) return st.status();
      st->Bind(1, std::int64_t{part}).Bind(2, accepted_at_ms).Bind(3, c.tenant_id).Bind(4, c.channel_kind);
      st->Bind(5, c.channel_id).Bind(6, c.customer_id).Bind(7, c.display_name);
      st->BindTextOrNull(8, c.provider_message_id).Bind(9, c.text).Bind(10, c.sent_at_ms).Bind(11, c.received_at_ms);
      return st->BindTextOrNull(12, c.attachments).BindTextOrNull(13, c.phone).Run();
    }));
  }
  return Status::Ok();
}

// Replaces temp.contacts on `conn` with the contacts of the main schema's
// contact_log, numbered 1, 2, ... in log order.
inline Status MaterializeContacts(SqliteConnection& conn) {
  ROUTERD_RETURN_IF_ERROR(conn.Exec(std::string("DROP TABLE IF EXISTS temp.contacts;"
                                                "CREATE TEMP TABLE contacts (seq INTEGER PRIMARY KEY, ") +
                                    kLoggedContactColumns + ");"));
  return AppendLoggedContacts(conn, "main", "temp.contacts", 0);
}

}  // namespace routerd::storage::testing
