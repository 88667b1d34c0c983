#include "engine/storage/sqlite/schema_moves.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "engine/storage/sqlite/contact_codec.h"
#include "engine/storage/sqlite/contact_keys.h"
#include "engine/storage/sqlite/contact_log.h"
#include "engine/storage/sqlite/event_log.h"

namespace routerd::storage {
namespace {

// Version 3, first part: the old tables step aside, the new ones are created.
constexpr std::string_view kMigration3Tables = R"sql(
DROP INDEX contacts_by_accepted;
DROP INDEX contacts_by_session;
DROP INDEX contacts_pending;
ALTER TABLE contacts RENAME TO contacts_v2;

CREATE TABLE tenants (
  tenant_id TEXT PRIMARY KEY,
  recorded_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

-- Appended once per accepted contact; never updated. accepted_at_ms never
-- decreases with seq, so retention finds its cut by a binary search on seq.
CREATE TABLE contacts (
  seq INTEGER PRIMARY KEY,
  accepted_at_ms INTEGER NOT NULL,
  tenant_id TEXT NOT NULL,
  channel_kind TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  -- NULL when the provider gave no id: such a contact cannot be deduplicated.
  provider_message_id TEXT,
  text TEXT NOT NULL,
  sent_at_ms INTEGER NOT NULL,
  received_at_ms INTEGER NOT NULL,
  attachments TEXT
);
-- The durable dedup key, and the only index the journal keeps.
CREATE UNIQUE INDEX contacts_key ON contacts(channel_id, provider_message_id);

-- Appended by the router's batches; never updated. A session's state is the
-- fold of its events in seq order. at_ms never decreases with seq.
CREATE TABLE session_events (
  seq INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL,
  tenant_id TEXT NOT NULL,
  session_id INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  channel_id TEXT,
  provider_message_id TEXT,
  queue_id TEXT,
  employee_id TEXT,
  channel_kind TEXT,
  customer_id TEXT,
  arrival_ms INTEGER,
  detail TEXT
);
)sql";

constexpr std::string_view kMigration3Tenants = R"sql(
INSERT OR IGNORE INTO tenants (tenant_id, recorded_at_ms)
  SELECT DISTINCT tenant_id, ?1 FROM (SELECT tenant_id FROM contacts UNION SELECT tenant_id FROM sessions
                                      UNION SELECT tenant_id FROM leave_messages);
)sql";

Status Run(SqliteConnection& conn, std::string_view sql, std::int64_t now_ms) {
  StatusOr<Statement> st = conn.Prepare(sql);
  if (!st.ok()) return st.status();
  return st->Bind(1, now_ms).Run();
}

// Version 2 contacts, with their attachments folded into the new column,
// stamped with the upgrade time: their retention counts from it, like the
// events of their sessions (the stamps must not decrease with seq).
Status CopyContacts(SqliteConnection& conn, std::int64_t now_ms) {
  StatusOr<Statement> src = conn.Prepare(
      "SELECT seq, accepted_at_ms, tenant_id, channel_kind, channel_id, customer_id, display_name,"
      " provider_message_id, text, sent_at_ms, received_at_ms FROM contacts_v2 ORDER BY seq");
  if (!src.ok()) return src.status();
  for (;;) {
    StatusOr<bool> row = src->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const std::int64_t seq = src->ColumnInt64(0);
    std::vector<AttachmentRef> attachments;
    {
      StatusOr<Statement> att = conn.Prepare(
          "SELECT type, reference, mime, size_bytes, name FROM contact_attachments WHERE contact_seq = ?1"
          " ORDER BY ordinal");
      if (!att.ok()) return att.status();
      att->Bind(1, seq);
      for (;;) {
        StatusOr<bool> a = att->Step();
        if (!a.ok()) return a.status();
        if (!*a) break;
        AttachmentRef ref{att->ColumnText(0), att->ColumnText(1), att->ColumnText(2), std::nullopt, att->ColumnText(4)};
        if (!att->ColumnIsNull(3)) ref.size_bytes = static_cast<std::uint64_t>(att->ColumnInt64(3));
        attachments.push_back(std::move(ref));
      }
    }
    StatusOr<Statement> dst = conn.Prepare(
        "INSERT INTO contacts (seq, accepted_at_ms, tenant_id, channel_kind, channel_id, customer_id, display_name,"
        " provider_message_id, text, sent_at_ms, received_at_ms, attachments)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    if (!dst.ok()) return dst.status();
    dst->Bind(1, seq).Bind(2, now_ms);
    for (int c = 2; c <= 6; ++c) dst->Bind(c + 1, src->ColumnText(c));
    dst->BindOptional(8, src->ColumnOptionalText(7)).Bind(9, src->ColumnText(8));
    dst->Bind(10, src->ColumnInt64(9)).Bind(11, src->ColumnInt64(10));
    BindAttachments(*dst, 12, attachments);
    ROUTERD_RETURN_IF_ERROR(dst->Run());
  }
  return Status::Ok();
}

// Each version 2 session becomes its events, oldest arrival first: opened,
// the contacts routed into it, the assignment, the end. Contacts kept in a
// leave message become kKept events.
Status CopySessions(SqliteConnection& conn, std::int64_t now_ms) {
  constexpr std::string_view kInsert =
      "INSERT INTO session_events (at_ms, tenant_id, session_id, kind, channel_id, provider_message_id, queue_id,"
      " employee_id, channel_kind, customer_id, arrival_ms, detail)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
  StatusOr<Statement> src = conn.Prepare(
      "SELECT tenant_id, session_id, channel_kind, channel_id, customer_id, queue_id, arrival_ms, employee_id,"
      " ended_at_ms, end_reason FROM sessions ORDER BY arrival_ms, session_id");
  if (!src.ok()) return src.status();
  for (;;) {
    StatusOr<bool> row = src->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const std::string tenant = src->ColumnText(0);
    const std::int64_t session = src->ColumnInt64(1);
    {
      StatusOr<Statement> ev = conn.Prepare(kInsert);
      if (!ev.ok()) return ev.status();
      ev->Bind(1, now_ms).Bind(2, tenant).Bind(3, session).Bind(4, static_cast<std::int64_t>(SessionEventKind::kOpened));
      ev->Bind(5, src->ColumnText(3)).BindNull(6).Bind(7, src->ColumnText(5)).BindNull(8);
      ev->Bind(9, src->ColumnText(2)).Bind(10, src->ColumnText(4)).Bind(11, src->ColumnInt64(6)).BindNull(12);
      ROUTERD_RETURN_IF_ERROR(ev->Run());
    }
    StatusOr<Statement> members = conn.Prepare(
        "INSERT INTO session_events (at_ms, tenant_id, session_id, kind, channel_id, provider_message_id)"
        " SELECT ?1, tenant_id, session_id, 2, channel_id, provider_message_id FROM contacts_v2"
        " WHERE tenant_id = ?2 AND session_id = ?3 AND provider_message_id IS NOT NULL ORDER BY seq");
    if (!members.ok()) return members.status();
    ROUTERD_RETURN_IF_ERROR(members->Bind(1, now_ms).Bind(2, tenant).Bind(3, session).Run());
    auto single = [&](SessionEventKind kind, int column) -> Status {
      StatusOr<Statement> ev = conn.Prepare(kInsert);
      if (!ev.ok()) return ev.status();
      ev->Bind(1, now_ms).Bind(2, tenant).Bind(3, session).Bind(4, static_cast<std::int64_t>(kind));
      for (int i = 5; i <= 12; ++i) ev->BindNull(i);
      if (kind == SessionEventKind::kAssigned) ev->Bind(8, src->ColumnText(column));
      if (kind == SessionEventKind::kEnded) ev->Bind(12, src->ColumnText(column));
      return ev->Run();
    };
    if (!src->ColumnIsNull(7)) ROUTERD_RETURN_IF_ERROR(single(SessionEventKind::kAssigned, 7));
    if (!src->ColumnIsNull(8)) ROUTERD_RETURN_IF_ERROR(single(SessionEventKind::kEnded, 9));
  }
  // Contacts routed into a session whose row an earlier prune already removed
  // were not pending in version 2 and must not become pending now.
  StatusOr<Statement> orphans = conn.Prepare(
      "INSERT INTO session_events (at_ms, tenant_id, session_id, kind, channel_id, provider_message_id)"
      " SELECT ?1, c.tenant_id, c.session_id, 2, c.channel_id, c.provider_message_id FROM contacts_v2 c"
      " WHERE c.session_id IS NOT NULL AND c.provider_message_id IS NOT NULL AND NOT EXISTS"
      " (SELECT 1 FROM sessions s WHERE s.tenant_id = c.tenant_id AND s.session_id = c.session_id) ORDER BY c.seq");
  if (!orphans.ok()) return orphans.status();
  ROUTERD_RETURN_IF_ERROR(orphans->Bind(1, now_ms).Run());
  StatusOr<Statement> kept = conn.Prepare(
      "INSERT INTO session_events (at_ms, tenant_id, session_id, kind, channel_id, provider_message_id, detail)"
      " SELECT ?1, tenant_id, COALESCE(session_id, 0), 6, channel_id, provider_message_id, leave_message_id"
      " FROM contacts_v2 WHERE leave_message_id IS NOT NULL AND provider_message_id IS NOT NULL ORDER BY seq");
  if (!kept.ok()) return kept.status();
  return kept->Bind(1, now_ms).Run();
}

}  // namespace

Status Migrate3(SqliteConnection& conn, std::int64_t now_ms) {
  ROUTERD_RETURN_IF_ERROR(conn.Exec(kMigration3Tables));
  ROUTERD_RETURN_IF_ERROR(CopyContacts(conn, now_ms));
  ROUTERD_RETURN_IF_ERROR(CopySessions(conn, now_ms));
  ROUTERD_RETURN_IF_ERROR(Run(conn, kMigration3Tenants, now_ms));
  return conn.Exec("DROP TABLE contact_attachments; DROP TABLE contacts_v2; DROP TABLE sessions;");
}


// Version 9: the contact log. A writer batch's accepted contacts are one
// contact_log row (contact_log.h), and the dedup key has a table of its own,
// contact_keys, so an accepted contact costs its key's insert and a share
// of one row instead of a row of its own and an index entry. The contacts rows
// move into the log in seq order, up to kContactsPerMigratedRow per row, each
// row stamped with its newest contact's time (no contact is pruned earlier
// than before). (Version 10 drops contact_keys again.)
namespace {

constexpr std::string_view kMigration9Tables = R"sql(
CREATE TABLE contact_log (
  seq INTEGER PRIMARY KEY,
  -- The batch's stamp (wall clock); never decreases with seq, so retention
  -- finds its cut by a binary search on seq.
  accepted_at_ms INTEGER NOT NULL,
  contacts BLOB NOT NULL
);
-- The durable dedup key, and the contact_log row that holds its contact.
CREATE TABLE contact_keys (
  channel_id TEXT NOT NULL,
  provider_message_id TEXT NOT NULL,
  log_seq INTEGER NOT NULL,
  PRIMARY KEY (channel_id, provider_message_id)
) WITHOUT ROWID;
)sql";

constexpr std::size_t kContactsPerMigratedRow = 1000;

// True when the key was new (the old unique index allowed no duplicate).
StatusOr<bool> InsertMigratedKey(SqliteConnection& conn, std::string_view channel_id,
                                 std::string_view provider_message_id, std::int64_t log_seq) {
  StatusOr<Statement> insert = conn.Prepare(
      "INSERT INTO contact_keys (channel_id, provider_message_id, log_seq) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (channel_id, provider_message_id) DO NOTHING");
  if (!insert.ok()) return insert.status();
  ROUTERD_RETURN_IF_ERROR(insert->BindView(1, channel_id).BindView(2, provider_message_id).Bind(3, log_seq).Run());
  return conn.Changes() == 1;
}

}  // namespace

Status Migrate9(SqliteConnection& conn) {
  ROUTERD_RETURN_IF_ERROR(conn.Exec(kMigration9Tables));
  StatusOr<Statement> src = conn.Prepare(
      "SELECT accepted_at_ms, tenant_id, channel_kind, channel_id, customer_id, display_name, provider_message_id,"
      " text, sent_at_ms, received_at_ms, attachments, phone FROM contacts ORDER BY seq");
  if (!src.ok()) return src.status();
  ContactLogBatch batch;
  batch.seq = 1;
  std::int64_t newest_ms = 0;
  for (;;) {
    StatusOr<bool> row = src->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const std::string tenant = src->ColumnText(1), kind = src->ColumnText(2), channel = src->ColumnText(3);
    const std::string customer = src->ColumnText(4), name = src->ColumnText(5), key = src->ColumnText(6);
    const std::string text = src->ColumnText(7), attachments = src->ColumnText(10), phone = src->ColumnText(11);
    if (!key.empty()) {
      StatusOr<bool> claimed = InsertMigratedKey(conn, channel, key, batch.seq);
      if (!claimed.ok()) return claimed.status();
      if (!*claimed) continue;  // the old unique index allowed no duplicate
    }
    newest_ms = std::max(newest_ms, src->ColumnInt64(0));
    batch.row.AddLogged(LoggedContact{tenant, kind, channel, customer, name, key, text, attachments, phone,
                                      src->ColumnInt64(8), src->ColumnInt64(9)});
    if (batch.row.contacts() >= kContactsPerMigratedRow) ROUTERD_RETURN_IF_ERROR(AppendContactLogRow(conn, batch, newest_ms));
  }
  ROUTERD_RETURN_IF_ERROR(AppendContactLogRow(conn, batch, newest_ms));
  return conn.Exec("DROP TABLE contacts;");
}


// Version 11: the session events, but for the kept route traces, move into
// the event log in seq order: a row per stamp (the old writer stamped a
// batch's rows alike), of up to kEventsPerMigratedRow events, so that every
// event keeps its time (pruning, and which open sessions keep their
// contacts, go by it); session_events keeps only the traces.
namespace {

constexpr std::string_view kMigration11Table = R"sql(
CREATE TABLE event_log (
  seq INTEGER PRIMARY KEY,
  -- The batch's stamp (wall clock); never decreases with seq, so retention
  -- finds its cut by a binary search on seq.
  at_ms INTEGER NOT NULL,
  events BLOB NOT NULL
);
)sql";

constexpr std::size_t kEventsPerMigratedRow = 1000;

}  // namespace

Status Migrate11(SqliteConnection& conn) {
  ROUTERD_RETURN_IF_ERROR(conn.Exec(kMigration11Table));
  static_assert(static_cast<int>(SessionEventKind::kTrace) == 7, "the queries below spell the kind out");
  StatusOr<Statement> src = conn.Prepare(
      "SELECT seq, at_ms, tenant_id, session_id, kind, channel_id, provider_message_id, queue_id, employee_id,"
      " channel_kind, customer_id, arrival_ms, detail FROM session_events WHERE kind <> 7 ORDER BY seq");
  if (!src.ok()) return src.status();
  EventLogBuilder row;
  std::int64_t seq = 1;
  std::int64_t row_at_ms = 0;
  auto flush = [&]() -> Status {
    if (row.empty()) return Status::Ok();
    ROUTERD_RETURN_IF_ERROR(AppendEventLogRow(conn, seq++, row_at_ms, row));
    row.clear();
    return Status::Ok();
  };
  for (;;) {
    StatusOr<bool> next = src->Step();
    if (!next.ok()) return next.status();
    if (!*next) break;
    const std::int64_t kind = src->ColumnInt64(4);
    if (kind < static_cast<std::int64_t>(SessionEventKind::kOpened) ||
        kind > static_cast<std::int64_t>(SessionEventKind::kKept)) {
      return Status::DataLoss("session_events row " + std::to_string(src->ColumnInt64(0)) + " has kind " +
                              std::to_string(kind) + ", which no routerd writes; the database was changed by hand");
    }
    std::array<std::optional<std::string>, 7> text;
    for (int i = 0; i < 6; ++i) text[i] = src->ColumnOptionalText(5 + i);
    text[6] = src->ColumnOptionalText(12);
    auto view = [&](int i) { return text[i] ? std::optional<std::string_view>(*text[i]) : std::nullopt; };
    const std::string tenant = src->ColumnText(2);
    LoggedEvent e;
    e.kind = static_cast<SessionEventKind>(kind);
    e.tenant_id = tenant;
    e.session_id = static_cast<std::uint64_t>(src->ColumnInt64(3));
    e.channel_id = view(0);
    e.provider_message_id = view(1);
    e.queue_id = view(2);
    e.employee_id = view(3);
    e.channel_kind = view(4);
    e.customer_id = view(5);
    e.detail = view(6);
    e.arrival_ms = src->ColumnInt64(11);
    const std::int64_t at_ms = src->ColumnInt64(1);
    if (row.events() >= kEventsPerMigratedRow || (!row.empty() && at_ms != row_at_ms)) {
      ROUTERD_RETURN_IF_ERROR(flush());
    }
    row_at_ms = at_ms;
    row.AddLogged(e);
  }
  ROUTERD_RETURN_IF_ERROR(flush());
  return conn.Exec("DELETE FROM session_events WHERE kind <> 7;");
}

}  // namespace routerd::storage
