#include "engine/storage/postgresql/pg_schema.h"

#include <string>
#include <string_view>

namespace routerd::storage {
namespace {

// Everything is keyed like the SQLite backend, so that both fold the same
// rows into the same state; identities replace SQLite's rowids. The indexes
// beyond the dedup key serve recovery (which contacts are pending, which
// sessions are open) and pruning, which here are queries, not writer memory.
constexpr std::string_view kMigration1 = R"sql(
CREATE TABLE contacts (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  accepted_at_ms bigint NOT NULL,
  tenant_id text NOT NULL,
  channel_kind text NOT NULL,
  channel_id text NOT NULL,
  customer_id text NOT NULL,
  display_name text NOT NULL,
  provider_message_id text,
  text text NOT NULL,
  sent_at_ms bigint NOT NULL,
  received_at_ms bigint NOT NULL,
  attachments text,
  phone text
);
CREATE UNIQUE INDEX contacts_key ON contacts (channel_id, provider_message_id);
CREATE INDEX contacts_by_accepted ON contacts (accepted_at_ms);

CREATE TABLE session_events (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at_ms bigint NOT NULL,
  tenant_id text NOT NULL,
  session_id bigint NOT NULL,
  kind smallint NOT NULL,
  channel_id text,
  provider_message_id text,
  queue_id text,
  employee_id text,
  channel_kind text,
  customer_id text,
  arrival_ms bigint,
  detail text
);
CREATE INDEX session_events_by_session ON session_events (tenant_id, session_id, kind);
CREATE INDEX session_events_by_contact ON session_events (channel_id, provider_message_id)
  WHERE provider_message_id IS NOT NULL;
CREATE INDEX session_events_by_time ON session_events (at_ms);

CREATE TABLE leave_messages (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id text NOT NULL,
  channel_kind text NOT NULL,
  channel_id text NOT NULL,
  customer_id text NOT NULL,
  display_name text NOT NULL,
  text text NOT NULL,
  attachment_ref text NOT NULL,
  attachment_mime text NOT NULL,
  attachment_sha256 text NOT NULL,
  skill_queue text NOT NULL,
  reason text NOT NULL,
  status text NOT NULL CHECK (status IN
    ('to_be_allocated', 'unprocessed', 'processing', 'processed', 'allocation_failed')),
  employee_id text,
  business_account text,
  created_at_ms bigint NOT NULL,
  updated_at_ms bigint NOT NULL,
  handling_comments text
);
CREATE INDEX leave_by_created ON leave_messages (tenant_id, created_at_ms, id);
CREATE INDEX leave_by_status ON leave_messages (tenant_id, status, created_at_ms, id);
CREATE INDEX leave_by_customer ON leave_messages (tenant_id, customer_id, created_at_ms, id);
CREATE INDEX leave_by_employee ON leave_messages (tenant_id, employee_id, created_at_ms, id);
CREATE INDEX leave_by_channel_kind ON leave_messages (tenant_id, channel_kind, created_at_ms, id);

CREATE TABLE leave_message_parts (
  message_id bigint NOT NULL REFERENCES leave_messages (id),
  ordinal integer NOT NULL,
  provider_message_id text NOT NULL,
  sent_at_ms bigint NOT NULL,
  text text NOT NULL,
  PRIMARY KEY (message_id, ordinal)
);

CREATE TABLE leave_message_attachments (
  message_id bigint NOT NULL REFERENCES leave_messages (id),
  ordinal integer NOT NULL,
  part integer NOT NULL,
  type text NOT NULL,
  reference text NOT NULL,
  mime text NOT NULL,
  size_bytes bigint,
  name text NOT NULL,
  PRIMARY KEY (message_id, ordinal)
);

-- A voice message's audio, in the database so that every instance serves it.
CREATE TABLE leave_voice_files (
  message_id bigint PRIMARY KEY REFERENCES leave_messages (id),
  bytes bytea NOT NULL
);

CREATE TABLE leave_message_history (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  message_id bigint NOT NULL REFERENCES leave_messages (id),
  at_ms bigint NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  from_status text,
  to_status text NOT NULL,
  detail text NOT NULL
);
CREATE INDEX leave_history_by_message ON leave_message_history (message_id, seq);

CREATE TABLE cap_settings (
  tenant_id text NOT NULL,
  scope text NOT NULL CHECK (scope IN ('agent', 'ou', 'tenant')),
  subject_id text NOT NULL,
  cap integer,
  set_at_ms bigint NOT NULL,
  set_by text NOT NULL,
  personal boolean NOT NULL DEFAULT false,
  PRIMARY KEY (tenant_id, scope, subject_id)
);

CREATE TABLE api_tokens (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id text NOT NULL,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('agent', 'tenant_admin')),
  employee_id text NOT NULL,
  sha256_hex text NOT NULL CHECK (length(sha256_hex) = 64),
  created_at_ms bigint NOT NULL,
  created_by text NOT NULL,
  revoked_at_ms bigint,
  revoked_by text
);
CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (tenant_id, name) WHERE revoked_at_ms IS NULL;
)sql";

// Cluster mode (several instances on this database, cluster_store.h): the
// instances' heartbeats, one lease per tenant whose epoch fences the owner's
// journal batches, and the inbox of contacts stored by an instance that does
// not own their tenant. The contacts index serves a tenant's pending contacts
// when an instance takes the tenant over (LoadTenant).
constexpr std::string_view kMigration2 = R"sql(
CREATE TABLE cluster_instances (
  instance_id text PRIMARY KEY,
  url text NOT NULL,
  started_at timestamptz NOT NULL,
  heartbeat_at timestamptz NOT NULL,
  leaving boolean NOT NULL DEFAULT false
);

-- owner NULL: released.
CREATE TABLE tenant_leases (
  tenant_id text PRIMARY KEY,
  owner text,
  epoch bigint NOT NULL,
  expires_at timestamptz NOT NULL
);

CREATE TABLE contact_inbox (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id text NOT NULL,
  channel_id text NOT NULL,
  provider_message_id text NOT NULL
);
CREATE INDEX contact_inbox_by_tenant ON contact_inbox (tenant_id, seq);

CREATE INDEX contacts_by_tenant ON contacts (tenant_id, seq);
)sql";

// A session's kept route trace (kind 7, SessionTraceKept) without a scan.
// Partial, so that appends of the other kinds (nearly all of them) do not
// update it; the planner uses it for a query whose WHERE says `kind = 7`
// literally. seq last: the newest trace of a session is read off its end.
// Built inside the migration's transaction (CONCURRENTLY cannot be): one scan
// of session_events, which retention keeps bounded, during which writes to
// the table wait. That scan of a week of events may take longer than the
// connection's statement_timeout, which is lifted for it, until the COMMIT.
constexpr std::string_view kMigration3 = R"sql(
SET LOCAL statement_timeout = 0;
CREATE INDEX session_events_traces ON session_events (tenant_id, session_id, seq) WHERE kind = 7;
)sql";

// Agents created, changed or removed through the administration API, the
// latest of each (definition NULL: removed), in the configuration file's form.
constexpr std::string_view kMigration4 = R"sql(
CREATE TABLE agent_definitions (
  tenant_id text NOT NULL,
  employee_id text NOT NULL,
  definition text,
  set_at_ms bigint NOT NULL,
  set_by text NOT NULL,
  PRIMARY KEY (tenant_id, employee_id)
);
)sql";

// One table for every kind of configured object defined through the API
// (agents, OUs, ...), keyed by its kind; agent_definitions moves into it as
// kind 'agent'. seq orders changes stamped in the same millisecond (a change
// takes a new one) and follows the order the old rows loaded in.
constexpr std::string_view kMigration5 = R"sql(
CREATE TABLE definitions (
  seq bigint GENERATED ALWAYS AS IDENTITY,
  tenant_id text NOT NULL,
  kind text NOT NULL,
  object_id text NOT NULL,
  definition text,
  set_at_ms bigint NOT NULL,
  set_by text NOT NULL,
  PRIMARY KEY (tenant_id, kind, object_id)
);
INSERT INTO definitions (tenant_id, kind, object_id, definition, set_at_ms, set_by)
  SELECT tenant_id, 'agent', employee_id, definition, set_at_ms, set_by FROM agent_definitions
  ORDER BY set_at_ms, tenant_id, employee_id;
DROP TABLE agent_definitions;
)sql";

constexpr std::string_view kMigrations[] = {kMigration1, kMigration2, kMigration3, kMigration4, kMigration5};
static_assert(std::size(kMigrations) == kPgSchemaVersion);

StatusOr<int> Migrate(PgConnection& conn) {
  // Any constant identifies the lock; this one spells "routerd".
  ROUTERD_RETURN_IF_ERROR(conn.Exec("SELECT pg_advisory_xact_lock(7309475737684452452)"));
  ROUTERD_RETURN_IF_ERROR(conn.Exec(
      "CREATE TABLE IF NOT EXISTS routerd_schema (version integer NOT NULL, migrated_at timestamptz NOT NULL)"));
  StatusOr<PgResult> found = conn.Query("SELECT max(version) FROM routerd_schema");
  if (!found.ok()) return found.status();
  const int before = found->IsNull(0, 0) ? 0 : static_cast<int>(found->Int64(0, 0));
  if (before > kPgSchemaVersion) {
    return Status::FailedPrecondition("the database's schema is version " + std::to_string(before) +
                                      ", newer than this build of routerd knows (" +
                                      std::to_string(kPgSchemaVersion) +
                                      "): run a routerd at least as new as the one that wrote it");
  }
  for (int v = before + 1; v <= kPgSchemaVersion; ++v) {
    Status s = conn.Exec(kMigrations[v - 1]);
    if (!s.ok()) return Status(s.code(), "schema migration to version " + std::to_string(v) + ": " + s.message());
    PgParams p;
    p.Add(std::int64_t{v});
    StatusOr<PgResult> recorded = conn.Query("INSERT INTO routerd_schema VALUES ($1::integer, now())", p);
    if (!recorded.ok()) return recorded.status();
  }
  return before;
}

}  // namespace

StatusOr<int> MigrateSchema(PgConnection& conn) {
  ROUTERD_RETURN_IF_ERROR(conn.Exec("BEGIN"));
  StatusOr<int> before = Migrate(conn);
  Status end = before.ok() ? conn.Exec("COMMIT") : conn.Exec("ROLLBACK");
  if (!before.ok()) return before.status();
  if (!end.ok()) return end;
  return before;
}

}  // namespace routerd::storage
