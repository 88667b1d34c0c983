// The durable dedup key of the SQLite journal (schema 9): contact_keys holds
// each stored (channel_id, provider_message_id) with the contact_log row that
// holds the contact. Claiming a key is the one B-tree insert an accepted
// contact costs besides its share of the batch's row. Keys with no provider
// id are not deduplicated and get no entry.
//
// Thread safety: each function runs on its connection's thread; ClaimContactKey
// on the journal writer's, inside the batch transaction.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/storage/sqlite/contact_log.h"
#include "engine/storage/sqlite/sqlite_connection.h"
#include "routerd/status.h"

namespace routerd::storage {

// The contact_log row a writer batch is building.
struct ContactLogBatch {
  ContactLogBuilder row;
  std::int64_t seq = 0;  // the seq the row is written with
};

// Records (channel_id, provider_message_id) as stored in `batch`'s row: true
// when it was new, false when it is a duplicate of a stored or batched key.
// REQUIRES: provider_message_id not empty; a write transaction open.
StatusOr<bool> ClaimContactKey(SqliteConnection& conn, ContactLogBatch& batch, std::string_view channel_id,
                               std::string_view provider_message_id);

// Writes `batch`'s row as contact_log row batch.seq stamped `accepted_at_ms`,
// then starts the next (empty, seq + 1). Nothing when the row is empty.
// REQUIRES: a write transaction open (the row's keys were claimed in it).
Status AppendContactLogRow(SqliteConnection& conn, ContactLogBatch& batch, std::int64_t accepted_at_ms);

// (channel_id, provider_message_id) as one string, for maps of keys.
std::string ContactKeyString(std::string_view channel_id, std::string_view provider_message_id);

// What FindContacts found.
struct StoredContacts {
  // The contacts stored under the keys asked for, by ContactKeyString; a key
  // never stored, or pruned, is absent.
  std::unordered_map<std::string, ContactPtr> by_key;
  // With `unnamed`: the keyed contacts that no session event names (routed,
  // or kept in a leave message), in log order.
  std::vector<ContactPtr> unnamed;
};

// The contacts stored under `keys` (channel_id, provider_message_id) and,
// when `unnamed`, those no session event names. Reads each contact_log row
// that holds one of them once, in seq order.
StatusOr<StoredContacts> FindContacts(SqliteConnection& conn, std::span<const std::pair<std::string, std::string>> keys,
                                      bool unnamed = false);

}  // namespace routerd::storage
