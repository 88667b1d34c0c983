// Journal reads on PostgreSQL: what a restart needs. One REPEATABLE READ,
// read-only transaction gives a consistent snapshot; session events stream
// through a cursor in seq order into the SessionFold (journal_model.h), the
// open sessions' contacts come back in one query, and the pending contacts
// are the keyed contacts no session event names. The same rule serves one
// tenant when an instance takes it over in cluster mode (pg_cluster_store.h).
// A session's kept route trace is one indexed read, outside any transaction.
//
// Thread safety: uses the given connection only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/storage/postgresql/pg_connection.h"
#include "engine/storage/storage_types.h"
#include "routerd/status.h"

namespace routerd::storage {

// REQUIRES: no transaction open on `conn`.
StatusOr<OpenState> LoadOpenStatePg(PgConnection& conn);

// The newest route trace kept for the session (a kind 7 row), or nullopt: one
// look-up in the partial index session_events_traces (schema 3):
// kPgSessionTraceSql, $1 the tenant, $2 the session. `kind = 7` is written
// out, not bound: the planner proves a partial index's predicate from the
// statement, not from a parameter's value in a generic plan. Public so that a
// test can check the plan.
inline constexpr std::string_view kPgSessionTraceSql =
    "SELECT at_ms, detail FROM session_events WHERE tenant_id = $1 AND session_id = $2 AND kind = 7"
    " ORDER BY seq DESC LIMIT 1";
StatusOr<std::optional<StoredSessionTrace>> LoadSessionTracePg(PgConnection& conn, const std::string& tenant_id,
                                                               std::uint64_t session_id);

// The open sessions, pending contacts and largest session ids of `tenant`
// (of every tenant when nullopt) into `state`; the counts are left alone.
// REQUIRES: inside a REPEATABLE READ transaction the caller opened (one
// snapshot for every read).
Status ReadOpenSessionsPg(PgConnection& conn, const std::optional<std::string>& tenant, OpenState& state);

}  // namespace routerd::storage
