// Prune: removes journal rows past their retention, oldest first by seq
// ranges, a bounded amount per pass.
//
// Rows are in time order by seq (the writer's stamps never decrease), so the
// rows past retention are the ones below a cut found by binary search on
// seq: contacts below the contact cut, session events below the event cut.
// Sessions still open keep their events and contacts whatever their age
// (recovery needs them); the writer's OpenSessionIndex says which those are,
// and only sessions opened before the cut (with an hour's margin) need
// looking at, usually none. Contacts go first: a session event is deleted
// only once no contact past retention is left, so a contact never outlives
// the event that names it.
//
// A contact row is also its durable dedup key, so pruning a contact forgets
// its key: retention must cover the longest provider retry horizon. Leave
// messages are business records and are never pruned.
//
// Thread safety: runs on the connection's thread (the JournalWriter's).
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/storage/journal_model.h"
#include "engine/storage/sqlite/open_session_index.h"
#include "engine/storage/sqlite/sqlite_connection.h"
#include "engine/storage/storage_types.h"
#include "routerd/status.h"

namespace routerd::storage {

struct PrunePlan {
  std::int64_t contact_cut = 0;  // contacts with seq below are past retention
  std::int64_t event_cut = 0;    // session events with seq below are past retention
  bool keep_open = false;        // some open sessions have rows below the cuts
};


// Finds the cuts for `cutoff_ms` and notes (in temporary tables of `conn`)
// the open sessions and contacts to keep.
// REQUIRES: no transaction open on `conn`.
StatusOr<PrunePlan> PlanPrune(SqliteConnection& conn, std::int64_t cutoff_ms, const OpenSessionIndex& open);

// One transaction: deletes at most `max_rows` contacts and `max_rows` session
// events of `plan`.
// REQUIRES: no transaction open on `conn`.
StatusOr<PrunePass> PruneOnce(SqliteConnection& conn, const PrunePlan& plan, std::size_t max_rows);

}  // namespace routerd::storage
