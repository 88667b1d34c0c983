// Prune on PostgreSQL: removes journal rows past their retention, oldest
// first, a bounded amount per pass, with the rule of the SQLite backend:
// sessions still open keep their events and contacts whatever their age;
// contacts go first, and session events only once no contact past retention
// is left, so a contact never outlives the event that names it. A contact row
// is also its durable dedup key. Leave messages are never pruned.
//
// Which sessions are open is a query here (an opening without an end), served
// by the session_events index on (tenant_id, session_id, kind): several
// instances share the tables, so no writer's memory knows it.
//
// Thread safety: runs on the connection's thread.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/storage/journal_model.h"
#include "engine/storage/postgresql/pg_connection.h"
#include "routerd/status.h"

namespace routerd::storage {

// One transaction: deletes at most `max_rows` contacts accepted before
// `cutoff_ms`, then (when none of those is left) at most `max_rows` session
// events written before it.
// REQUIRES: no transaction open on `conn`.
StatusOr<PrunePass> PruneOncePg(PgConnection& conn, std::int64_t cutoff_ms, std::size_t max_rows);

}  // namespace routerd::storage
