// Journal reads on PostgreSQL: what a restart needs. One REPEATABLE READ,
// read-only transaction gives a consistent snapshot; session events stream
// through a cursor in seq order into the SessionFold (journal_model.h), the
// open sessions' contacts come back in one query, and the pending contacts
// are the keyed contacts no session event names. The same rule serves one
// tenant when an instance takes it over in cluster mode (pg_cluster_store.h).
//
// Thread safety: uses the given connection only.
#pragma once

#include <optional>
#include <string>

#include "engine/storage/postgresql/pg_connection.h"
#include "engine/storage/storage_types.h"
#include "routerd/status.h"

namespace routerd::storage {

// REQUIRES: no transaction open on `conn`.
StatusOr<OpenState> LoadOpenStatePg(PgConnection& conn);

// The open sessions, pending contacts and largest session ids of `tenant`
// (of every tenant when nullopt) into `state`; the counts are left alone.
// REQUIRES: inside a REPEATABLE READ transaction the caller opened (one
// snapshot for every read).
Status ReadOpenSessionsPg(PgConnection& conn, const std::optional<std::string>& tenant, OpenState& state);

}  // namespace routerd::storage
