// Prune: removes journal rows past their retention, a bounded amount per pass.
//
// A contact row is also its durable dedup key, so pruning a contact forgets
// its key: retention must cover the longest provider retry horizon. Contacts
// of sessions that are still open are kept whatever their age (recovery needs
// them). Leave messages are business records and are never pruned.
//
// Thread safety: runs on the connection's thread (the JournalWriter's).
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/storage/sqlite_connection.h"
#include "routerd/status.h"

namespace routerd::storage {

struct PruneResult {
  std::uint64_t contacts = 0;
  std::uint64_t sessions = 0;
  std::uint64_t passes = 0;
};

struct PrunePass {
  std::uint64_t contacts = 0;
  std::uint64_t sessions = 0;
  bool done = false;  // nothing older than the cutoff is left to delete
};

// One transaction: deletes at most `max_rows` contacts accepted before
// `cutoff_ms` (not in an open session) and at most `max_rows` sessions ended
// before `cutoff_ms`.
// REQUIRES: no transaction open on `conn`.
StatusOr<PrunePass> PruneOnce(SqliteConnection& conn, std::int64_t cutoff_ms, std::size_t max_rows);

}  // namespace routerd::storage
