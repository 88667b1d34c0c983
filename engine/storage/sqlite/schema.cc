#include "engine/storage/sqlite/schema.h"

#include <cassert>
#include <string>

#include "engine/storage/sqlite/contact_codec.h"

namespace routerd::storage {
namespace {

// Version 1: the contact journal and the sessions needed for restart recovery.
constexpr std::string_view kMigration1 = R"sql(
CREATE TABLE contacts (
  seq INTEGER PRIMARY KEY,
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
  -- Journal write time (wall clock): the retention clock of the dedup key.
  accepted_at_ms INTEGER NOT NULL,
  -- The session the router put it in; NULL until a session record names it.
  session_id INTEGER,
  UNIQUE (channel_id, provider_message_id)
);
CREATE INDEX contacts_by_accepted ON contacts(accepted_at_ms);
CREATE INDEX contacts_by_session ON contacts(tenant_id, session_id, seq) WHERE session_id IS NOT NULL;

CREATE TABLE contact_attachments (
  contact_seq INTEGER NOT NULL REFERENCES contacts(seq) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  type TEXT NOT NULL,
  reference TEXT NOT NULL,
  mime TEXT NOT NULL,
  size_bytes INTEGER,
  name TEXT NOT NULL,
  PRIMARY KEY (contact_seq, ordinal)
) WITHOUT ROWID;

CREATE TABLE sessions (
  tenant_id TEXT NOT NULL,
  session_id INTEGER NOT NULL,
  channel_kind TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  queue_id TEXT NOT NULL,
  arrival_ms INTEGER NOT NULL,
  employee_id TEXT,
  assigned_at_ms INTEGER,
  ended_at_ms INTEGER,
  end_reason TEXT,
  PRIMARY KEY (tenant_id, session_id)
) WITHOUT ROWID;
CREATE INDEX sessions_open ON sessions(arrival_ms, session_id) WHERE ended_at_ms IS NULL;
CREATE INDEX sessions_ended ON sessions(ended_at_ms) WHERE ended_at_ms IS NOT NULL;
)sql";

// Version 2: leave-message management.
constexpr std::string_view kMigration2 = R"sql(
ALTER TABLE contacts ADD COLUMN leave_message_id INTEGER;
-- Accepted, keyed, and neither routed into a session nor kept in a leave message.
CREATE INDEX contacts_pending ON contacts(seq)
  WHERE session_id IS NULL AND leave_message_id IS NULL AND provider_message_id IS NOT NULL;

CREATE TABLE leave_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id TEXT NOT NULL,
  channel_kind TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  text TEXT NOT NULL,
  attachment_ref TEXT NOT NULL,
  attachment_mime TEXT NOT NULL,
  attachment_sha256 TEXT NOT NULL,
  skill_queue TEXT NOT NULL,
  reason TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN
    ('to_be_allocated', 'unprocessed', 'processing', 'processed', 'allocation_failed')),
  employee_id TEXT,
  business_account TEXT,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  handling_comments TEXT
);
CREATE INDEX leave_by_created ON leave_messages(tenant_id, created_at_ms, id);
CREATE INDEX leave_by_status ON leave_messages(tenant_id, status, created_at_ms, id);
CREATE INDEX leave_by_customer ON leave_messages(tenant_id, customer_id, created_at_ms, id);
CREATE INDEX leave_by_employee ON leave_messages(tenant_id, employee_id, created_at_ms, id);
CREATE INDEX leave_by_channel_kind ON leave_messages(tenant_id, channel_kind, created_at_ms, id);

-- The messages of the session, one row per contact, in order.
CREATE TABLE leave_message_parts (
  message_id INTEGER NOT NULL REFERENCES leave_messages(id),
  ordinal INTEGER NOT NULL,
  provider_message_id TEXT NOT NULL,
  sent_at_ms INTEGER NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (message_id, ordinal)
) WITHOUT ROWID;

CREATE TABLE leave_message_attachments (
  message_id INTEGER NOT NULL REFERENCES leave_messages(id),
  ordinal INTEGER NOT NULL,
  part INTEGER NOT NULL,
  type TEXT NOT NULL,
  reference TEXT NOT NULL,
  mime TEXT NOT NULL,
  size_bytes INTEGER,
  name TEXT NOT NULL,
  PRIMARY KEY (message_id, ordinal)
) WITHOUT ROWID;

-- Every transition and every download: who, when, from, to.
CREATE TABLE leave_message_history (
  seq INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES leave_messages(id),
  at_ms INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX leave_history_by_message ON leave_message_history(message_id, seq);
)sql";

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

Status Migrate3(SqliteConnection& conn, std::int64_t now_ms) {
  ROUTERD_RETURN_IF_ERROR(conn.Exec(kMigration3Tables));
  ROUTERD_RETURN_IF_ERROR(CopyContacts(conn, now_ms));
  ROUTERD_RETURN_IF_ERROR(CopySessions(conn, now_ms));
  ROUTERD_RETURN_IF_ERROR(Run(conn, kMigration3Tenants, now_ms));
  return conn.Exec("DROP TABLE contact_attachments; DROP TABLE contacts_v2; DROP TABLE sessions;");
}

}  // namespace

// Version 4: the phone a customer gave with a contact (the web widget's
// visitor.phone), so that a session recovered after a restart that ends as a
// leave message still has the number to call back. NULL when none was given.
constexpr std::string_view kMigration4 = "ALTER TABLE contacts ADD COLUMN phone TEXT;";

// Version 5: run-time administration. cap_settings holds the latest cap set
// through the API per subject (cap NULL: cleared; personal: an agent set its
// own); api_tokens the tokens
// created through the API, by the SHA-256 of their value, revoked ones kept
// with who revoked them and when (at most one active token per name).
constexpr std::string_view kMigration5 = R"sql(
CREATE TABLE cap_settings (
  tenant_id  TEXT NOT NULL,
  scope      TEXT NOT NULL CHECK (scope IN ('agent', 'ou', 'tenant')),
  subject_id TEXT NOT NULL,
  cap        INTEGER,
  set_at_ms  INTEGER NOT NULL,
  set_by     TEXT NOT NULL,
  personal   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, scope, subject_id)
);
CREATE TABLE api_tokens (
  id            INTEGER PRIMARY KEY,
  tenant_id     TEXT NOT NULL,
  name          TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('agent', 'tenant_admin')),
  employee_id   TEXT NOT NULL,
  sha256_hex    TEXT NOT NULL CHECK (length(sha256_hex) = 64),
  created_at_ms INTEGER NOT NULL,
  created_by    TEXT NOT NULL,
  revoked_at_ms INTEGER,
  revoked_by    TEXT
);
CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (tenant_id, name) WHERE revoked_at_ms IS NULL;
)sql";

// Version 6: finding a session's kept route trace (kind 7, SessionTraceKept)
// without a scan. Partial, so that appends of the other kinds (nearly all of
// them) do not update it; SQLite uses it only for a query whose WHERE says
// `kind = 7` literally. The rowid (seq) ends every entry, so the newest trace
// of a session is the index's last entry for it.
constexpr std::string_view kMigration6 =
    "CREATE INDEX session_events_traces ON session_events (tenant_id, session_id) WHERE kind = 7;";

// Version 7: agents created, changed or removed through the API, the latest
// of each (definition NULL: removed), in the configuration file's form.
constexpr std::string_view kMigration7 = R"sql(
CREATE TABLE agent_definitions (
  tenant_id   TEXT NOT NULL,
  employee_id TEXT NOT NULL,
  definition  TEXT,
  set_at_ms   INTEGER NOT NULL,
  set_by      TEXT NOT NULL,
  PRIMARY KEY (tenant_id, employee_id)
);
)sql";

// Version 8: one table for every kind of configured object defined through
// the API (agents, OUs, ...), keyed by its kind; agent_definitions moves into
// it as kind 'agent', in the order it loaded (the new rowids follow it).
constexpr std::string_view kMigration8 = R"sql(
CREATE TABLE definitions (
  tenant_id  TEXT NOT NULL,
  kind       TEXT NOT NULL,
  object_id  TEXT NOT NULL,
  definition TEXT,
  set_at_ms  INTEGER NOT NULL,
  set_by     TEXT NOT NULL,
  PRIMARY KEY (tenant_id, kind, object_id)
);
INSERT INTO definitions (tenant_id, kind, object_id, definition, set_at_ms, set_by)
  SELECT tenant_id, 'agent', employee_id, definition, set_at_ms, set_by FROM agent_definitions
  ORDER BY set_at_ms, rowid;
DROP TABLE agent_definitions;
)sql";

Status ApplyMigration(SqliteConnection& conn, int version, std::int64_t now_ms) {
  switch (version) {
    case 1:
      return conn.Exec(kMigration1);
    case 2:
      return conn.Exec(kMigration2);
    case 3:
      return Migrate3(conn, now_ms);
    case 4:
      return conn.Exec(kMigration4);
    case 5:
      return conn.Exec(kMigration5);
    case 6:
      return conn.Exec(kMigration6);
    case 7:
      return conn.Exec(kMigration7);
    case 8:
      return conn.Exec(kMigration8);
  }
  assert(false && "no such migration");
  return Status::Internal("no migration to version " + std::to_string(version));
}

}  // namespace routerd::storage
