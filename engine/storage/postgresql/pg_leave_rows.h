// Rows of the leave-message tables in PostgreSQL: reading a message with its
// parts and attachments, appending a history entry. Shared by the store's
// reads (a lent reader connection) and its write records (the writer's, inside
// the batch transaction).
//
// Thread safety: each call uses the given connection on the caller's thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/leave/leave_types.h"
#include "engine/storage/leave_common.h"
#include "engine/storage/postgresql/pg_connection.h"
#include "routerd/status.h"

namespace routerd::storage {

// The column list ReadMessageRow reads, in order.
extern const char* const kPgLeaveMessageColumns;

// The message of row `row` of a result whose columns are kPgLeaveMessageColumns,
// without its parts and attachments.
StatusOr<leave::StoredLeaveMessage> ReadMessageRow(const PgResult& result, int row);
// The message with its parts and attachments; NotFound also for another
// tenant's message. `for_update`: the row stays locked until the transaction
// ends, so that no other writer, of this instance or another, changes it in
// between (a status checked here still holds at the commit).
StatusOr<leave::StoredLeaveMessage> LoadMessage(PgConnection& conn, const std::string& tenant_id, std::int64_t id,
                                                bool for_update = false);
Status InsertHistory(PgConnection& conn, std::int64_t id, std::int64_t at_ms, const std::string& actor,
                     std::string_view action, std::optional<leave::LeaveStatus> from, leave::LeaveStatus to,
                     const std::string& detail);

}  // namespace routerd::storage
