// The durable dedup key of the SQLite journal (schema 10): each stored
// (channel_id, provider_message_id) is in the contact_log row that holds its
// contact, and nowhere else on disk. The partition's writer keeps an index
// of them in memory, ContactKeyIndex, read from the log when it starts.
//
// Why not a table of keys. A unique B-tree on the keys cost every accepted
// contact one more SQLite insert, the most expensive statement of the hot
// path: with provider ids, which arrive in no order, each key lands on a
// leaf page of its own, so a commit of n contacts wrote about n index pages
// to the WAL. The index costs a hash and a probe instead, and nothing on
// disk: the key is durable because its contact is, in the same commit.
//
// The index holds a 64-bit hash of each key and the row of its contact, not
// the key: a key whose hash is indexed is looked for in the rows named, so a
// hash shared by two keys never makes a new contact a duplicate. Memory: 32
// to 64 bytes per stored key (base::BasicFlatHashIndex grows at half full);
// the keys stored are those of retention's span.
//
// Keys with no provider id are not deduplicated and get no entry.
//
// Thread safety: ContactLogBatch and ContactKeyIndex belong to the journal
// writer's thread; the free functions run on their connection's thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/base/flat_hash_index.h"
#include "engine/storage/sqlite/contact_log.h"
#include "engine/storage/sqlite/sqlite_connection.h"
#include "routerd/status.h"

namespace routerd::storage {

// Key hash (base::DedupKeyHash) -> the contact_log seq of the row that holds the key.
using ContactKeyIndex = base::BasicFlatHashIndex<std::int64_t, 0>;

// The contact_log row a writer batch is building, and the partition's keys.
struct ContactLogBatch {
  // Where a batch stood: for a record that a savepoint undoes.
  struct Mark {
    ContactLogBuilder::Mark row;
    std::size_t claimed = 0;
  };

  ContactLogBuilder row;
  std::int64_t seq = 0;  // the seq the row is written with
  // Every key stored in the partition, and those claimed for `row`.
  ContactKeyIndex keys;
  // The hashes claimed for `row` since the last commit, in order: indexed
  // under `seq`, and taken out again if the row is not stored.
  std::vector<std::uint64_t> claimed;

  Mark mark() const { return Mark{row.mark(), claimed.size()}; }
  // Undoes the contacts added and the keys claimed after `mark`.
  void Truncate(const Mark& mark);
  // The batch's row is committed: its claims stay.
  void Committed() { claimed.clear(); }
};

// Reads every contact_log row of the partition into `batch.keys`.
Status LoadContactKeys(SqliteConnection& conn, ContactLogBatch& batch);

// Claims (channel_id, provider_message_id) for `batch`'s row: true when it
// was new, false when a stored or batched contact has it.
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
  // With `named`: the keyed contacts whose key no session event names
  // (routed, or kept in a leave message), in log order.
  std::vector<ContactPtr> unnamed;
  // How many keyed contacts the partition stores.
  std::uint64_t keyed = 0;
};

// One pass over every contact_log row: the contacts stored under `keys`
// (channel_id, provider_message_id) and, when `named` is given (the sorted
// base::DedupKeyHash of every key a session event names), the keyed contacts
// whose hash is not among them. Two keys share a 64-bit hash with
// probability 2^-64: about 5e-11 for a thousand unnamed contacts against a
// million events, far below the odds of the disk's own undetected errors.
// With `index`, also indexes every stored key in it, as LoadContactKeys does.
StatusOr<StoredContacts> FindContacts(SqliteConnection& conn, std::span<const std::pair<std::string, std::string>> keys,
                                      const std::vector<std::uint64_t>* named = nullptr,
                                      ContactKeyIndex* index = nullptr);

}  // namespace routerd::storage
