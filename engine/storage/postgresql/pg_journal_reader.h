// Journal reads on PostgreSQL: what a restart needs. One REPEATABLE READ,
// read-only transaction gives a consistent snapshot; session events stream
// through a cursor in seq order into the SessionFold (journal_model.h), the
// open sessions' contacts come back in one query, and the pending contacts
// are the keyed contacts no session event names.
//
// Thread safety: uses the given connection only.
#pragma once

#include "engine/storage/postgresql/pg_connection.h"
#include "engine/storage/storage_types.h"
#include "routerd/status.h"

namespace routerd::storage {

// REQUIRES: no transaction open on `conn`.
StatusOr<OpenState> LoadOpenStatePg(PgConnection& conn);

}  // namespace routerd::storage
