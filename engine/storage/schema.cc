#include "engine/storage/schema.h"

#include <cassert>

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

// Version 2: leave-message management (seed 002).
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

std::string_view MigrationSql(int version) {
  switch (version) {
    case 1:
      return kMigration1;
    case 2:
      return kMigration2;
  }
  assert(false && "no such migration");
  return {};
}

}  // namespace routerd::storage
