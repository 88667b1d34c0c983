// Rows of the leave-message tables of a journal partition: reading a message
// with its parts, appending a history entry. Shared by the store's reads and
// its write records.
//
// Thread safety: each call uses the given connection on the caller's thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/leave/leave_types.h"
#include "engine/storage/leave_common.h"  // LeaveMessageName
#include "engine/storage/sqlite/sqlite_connection.h"
#include "routerd/status.h"

namespace routerd::storage {

// The column list ReadMessageRow reads, in order.
extern const char* const kLeaveMessageColumns;

StatusOr<leave::StoredLeaveMessage> ReadMessageRow(const Statement& st);
// The message with its parts; NotFound also for another tenant's message.
StatusOr<leave::StoredLeaveMessage> LoadMessage(SqliteConnection& conn, const std::string& tenant_id, std::int64_t id);
Status InsertHistory(SqliteConnection& conn, std::int64_t id, std::int64_t at_ms, const std::string& actor,
                     std::string_view action, std::optional<leave::LeaveStatus> from, leave::LeaveStatus to,
                     const std::string& detail);

}  // namespace routerd::storage
