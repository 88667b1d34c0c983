#include "engine/storage/sqlite/schema.h"

#include <cassert>
#include <string>

#include "engine/storage/sqlite/schema_moves.h"

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

// Version 10: the dedup keys are indexed by the journal writer, in memory,
// from the contact log; their table goes, and nothing in it is lost (each key
// is in its contact's row).
constexpr std::string_view kMigration10 = "DROP TABLE contact_keys;";

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
    case 9:
      return Migrate9(conn);
    case 10:
      return conn.Exec(kMigration10);
    case 11:
      return Migrate11(conn);
  }
  assert(false && "no such migration");
  return Status::Internal("no migration to version " + std::to_string(version));
}

}  // namespace routerd::storage
