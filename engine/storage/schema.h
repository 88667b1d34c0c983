// Schema: the versioned layout of routerd.db, as an ordered list of migrations.
//
// Migration N turns a version N-1 database into version N. They are applied in
// order at open, inside one transaction (Database::Open), and never edited once
// released: a change to the layout is a new migration appended at the end.
//
//   1  contacts (the durable dedup key UNIQUE(channel_id, provider_message_id)),
//      contact_attachments, sessions (open sessions for restart recovery)
//   2  leave_messages, leave_message_parts, leave_message_attachments,
//      leave_message_history; contacts.leave_message_id
//
// Thread safety: constant data.
#pragma once

#include <span>
#include <string_view>

namespace routerd::storage {

// The newest schema version this build knows.
inline constexpr int kSchemaVersion = 2;

// REQUIRES: 1 <= version <= kSchemaVersion. The SQL that upgrades version-1 to version.
std::string_view MigrationSql(int version);

}  // namespace routerd::storage
