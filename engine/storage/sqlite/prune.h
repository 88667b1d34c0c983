// Prune: removes journal rows past their retention, oldest first by seq
// ranges, a bounded amount per pass.
//
// Rows are in time order by seq (the writer's stamps never decrease), so the
// rows past retention are the ones below a cut found by binary search on
// seq: contact_log rows below the contact cut, event_log rows below the event
// cut, trace rows of session_events below the trace cut. A contact_log row
// goes with its contacts' dedup keys (out of the writer's ContactKeyIndex
// once the pass commits); a log row that holds a contact or an event to keep
// is rewritten with only those.
// Sessions still open keep their events and contacts whatever their age
// (recovery needs them); the writer's OpenSessionIndex says which those are,
// and only sessions opened before the cut (with an hour's margin) need
// looking at, usually none. Contacts go first: a session event is deleted
// only once no contact past retention is left, so a contact never outlives
// the event that names it.
//
// Pruning a contact forgets its durable dedup key: retention must cover the longest provider retry horizon. Leave
// messages are business records and are never pruned.
//
// Thread safety: runs on the connection's thread (the JournalWriter's).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <map>
#include <set>
#include <unordered_set>

#include "engine/storage/journal_model.h"
#include "engine/storage/sqlite/contact_keys.h"
#include "engine/storage/sqlite/event_log.h"
#include "engine/storage/sqlite/open_session_index.h"
#include "engine/storage/sqlite/sqlite_connection.h"
#include "engine/storage/storage_types.h"
#include "routerd/status.h"

namespace routerd::storage {

struct PrunePlan {
  std::int64_t contact_cut = 0;  // contact_log rows with seq below are past retention
  std::int64_t event_cut = 0;    // event_log rows with seq below are past retention
  std::int64_t trace_cut = 0;    // session_events (trace) rows with seq below are past retention
  bool keep_open = false;        // some open sessions may have rows below the cuts
  // Those sessions, by tenant.
  std::map<std::string, std::set<std::uint64_t>, std::less<>> keep_sessions;
  // The contacts of those sessions, by ContactKeyString.
  std::unordered_set<std::string> keep_contacts;
  std::int64_t contact_next = 0;  // the first contact_log row the next pass looks at
  std::int64_t event_next = 0;    // the first event_log row the next pass looks at

  // Whether `event` is of a session kept.
  bool Keeps(const LoggedEvent& event) const;
};


// Finds the cuts for `cutoff_ms` and notes the open sessions (in a temporary
// table of `conn`) and contacts to keep.
// REQUIRES: no transaction open on `conn`.
StatusOr<PrunePlan> PlanPrune(SqliteConnection& conn, std::int64_t cutoff_ms, const OpenSessionIndex& open);

// One transaction: deletes about `max_rows` contacts and about `max_rows`
// logged session events (whole log rows: it stops after the row that reaches
// the count) and at most `max_rows` traces of `plan`, moves the plan past them and, once that commits,
// takes the deleted contacts' keys out of `keys`.
// REQUIRES: no transaction open on `conn`.
StatusOr<PrunePass> PruneOnce(SqliteConnection& conn, PrunePlan& plan, std::size_t max_rows, ContactKeyIndex& keys);

}  // namespace routerd::storage
