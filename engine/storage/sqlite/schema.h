// Schema: the versioned layout of a journal partition file (routerd.db,
// routerd-<i>.db), as an ordered list of migrations.
//
// Migration N turns a version N-1 database into version N. They are applied in
// order at open, inside one transaction (Database::Open), and never edited once
// released: a change to the layout is a new migration appended at the end.
//
//   1  contacts (the durable dedup key UNIQUE(channel_id, provider_message_id)),
//      contact_attachments, sessions (open sessions for restart recovery)
//   2  leave_messages, leave_message_parts, leave_message_attachments,
//      leave_message_history; contacts.leave_message_id
//   3  the append-only journal: contacts without session columns (the one
//      unique key is the dedup key; attachments in a column), session_events
//      instead of sessions (the session a contact joined is an event), and
//      tenants (which tenants this partition holds). Rows of version 2 are
//      converted in place; their retention counts from the upgrade.
//   4  contacts.phone: the phone the customer gave (NULL when none), kept for
//      sessions recovered after a restart.
//   5  cap_settings and api_tokens: caps set and tokens created or revoked
//      through the administration API (storage/administration.h).
//   6  session_events_traces: a partial index on the kept route traces
//      (kind 7) for LoadSessionTrace; rows are unchanged.
//   7  agent_definitions: agents created, changed or removed through the
//      administration API.
//   8  definitions: every kind of configured object (agents, OUs) created,
//      changed or removed through the administration API, keyed by kind;
//      the rows of agent_definitions move into it, which is dropped.
//   9  the contact log: contact_log (a writer batch's accepted contacts in one
//      row) and contact_keys (the dedup key, naming the row); the contacts
//      rows move into them, and the table is dropped.
//  10  contact_keys is dropped: the keys are in the contact log rows, and the
//      journal writer indexes them in memory (contact_keys.h).
//  11  the event log: event_log (a writer batch's session events in one row,
//      event_log.h); the session_events rows move into it, but for the kept
//      route traces, which stay.
//
// Thread safety: constant data.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "engine/storage/journal_model.h"
#include "engine/storage/sqlite/sqlite_connection.h"
#include "routerd/status.h"

namespace routerd::storage {

// The newest schema version this build knows.
inline constexpr int kSchemaVersion = 11;

// REQUIRES: 1 <= version <= kSchemaVersion, a transaction open on `conn`.
// Applies migration `version` (the database is at version - 1).
Status ApplyMigration(SqliteConnection& conn, int version, std::int64_t now_ms);

}  // namespace routerd::storage
