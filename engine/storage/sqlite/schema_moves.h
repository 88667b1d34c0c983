// The schema migrations that move rows from one layout to another, not only
// create or alter tables (schema.h lists every version). Each runs inside the
// opening transaction of Database::Open, so a failure leaves the file as it
// was.
//
// Thread safety: on the connection's thread, before the writer starts.
#pragma once

#include <cstdint>

#include "engine/storage/sqlite/sqlite_connection.h"
#include "routerd/status.h"

namespace routerd::storage {

// Version 3: contacts without session columns, and session_events instead of
// sessions; the version 2 rows are converted, stamped `now_ms`.
Status Migrate3(SqliteConnection& conn, std::int64_t now_ms);

// Version 9: the contacts rows move into contact_log and contact_keys.
Status Migrate9(SqliteConnection& conn);

// Version 11: the session events but the traces move into event_log.
Status Migrate11(SqliteConnection& conn);

}  // namespace routerd::storage
