#include "engine/storage/sqlite/contact_keys.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace routerd::storage {
namespace {

// The BLOB of contact_log row `seq`, or nullopt when there is none.
StatusOr<std::optional<std::string>> ReadRow(SqliteConnection& conn, std::int64_t seq) {
  StatusOr<Statement> st = conn.Prepare("SELECT contacts FROM contact_log WHERE seq = ?1");
  if (!st.ok()) return st.status();
  StatusOr<bool> row = st->Bind(1, seq).Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(std::string(st->ColumnBlob(0)));
}

struct TransparentHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

// The keys asked for: provider message id -> channel id.
using WantedKeys = std::unordered_multimap<std::string, std::string, TransparentHash, std::equal_to<>>;

}  // namespace

std::string ContactKeyString(std::string_view channel_id, std::string_view provider_message_id) {
  std::string key = std::to_string(channel_id.size());
  key.push_back(':');
  key.append(channel_id);
  key.append(provider_message_id);
  return key;
}

void ContactLogBatch::Truncate(const Mark& mark) {
  row.truncate(mark.row);
  while (claimed.size() > mark.claimed) {
    keys.Erase(claimed.back(), seq);
    claimed.pop_back();
  }
}

Status LoadContactKeys(SqliteConnection& conn, ContactLogBatch& batch) {
  return FindContacts(conn, {}, nullptr, &batch.keys).status();
}

StatusOr<bool> ClaimContactKey(SqliteConnection& conn, ContactLogBatch& batch, std::string_view channel_id,
                               std::string_view provider_message_id) {
  const std::uint64_t hash = base::DedupKeyHash(channel_id, provider_message_id);
  // Usually no entry: a new key. An entry is this key's only if its row
  // holds it (the row being built, or a stored one).
  Status failed;
  auto row_holds_key = [&](std::int64_t seq) {
    std::string stored;
    std::string_view bytes = batch.row.bytes();
    if (seq != batch.seq) {
      StatusOr<std::optional<std::string>> read = ReadRow(conn, seq);
      if (!read.ok() || !read->has_value()) {
        // A row indexed but not stored is the writer's own bug: refuse
        // rather than accept a key twice.
        failed = read.ok() ? Status::Internal("a dedup key names contact_log row " + std::to_string(seq) +
                                              ", which is not stored")
                           : read.status();
        return true;
      }
      stored = std::move(read->value());
      bytes = stored;
    }
    if (bytes.empty()) return false;  // the row being built holds nothing yet
    bool found = false;
    Status decoded = ForEachLoggedContact(bytes, [&](const LoggedContact& c) -> Status {
      found = found || (c.provider_message_id == provider_message_id && c.channel_id == channel_id);
      return Status::Ok();
    });
    if (!decoded.ok()) {
      failed = decoded;
      return true;
    }
    return found;
  };
  const bool stored = batch.keys.Find(hash, row_holds_key) != ContactKeyIndex::kAbsent;
  if (!failed.ok()) return failed;
  if (stored) return false;
  batch.keys.Insert(hash, batch.seq);
  batch.claimed.push_back(hash);
  return true;
}

Status AppendContactLogRow(SqliteConnection& conn, ContactLogBatch& batch, std::int64_t accepted_at_ms) {
  if (batch.row.empty()) return Status::Ok();
  StatusOr<Statement> st = conn.Prepare("INSERT INTO contact_log (seq, accepted_at_ms, contacts) VALUES (?1, ?2, ?3)");
  if (!st.ok()) return st.status();
  ROUTERD_RETURN_IF_ERROR(st->Bind(1, batch.seq).Bind(2, accepted_at_ms).BindBlobView(3, batch.row.bytes()).Run());
  batch.row.clear();
  ++batch.seq;
  return Status::Ok();
}

StatusOr<StoredContacts> FindContacts(SqliteConnection& conn, std::span<const std::pair<std::string, std::string>> keys,
                                      const std::vector<std::uint64_t>* named, ContactKeyIndex* index) {
  WantedKeys wanted;
  for (const auto& [channel, message] : keys) wanted.emplace(message, channel);

  StoredContacts found;
  StatusOr<Statement> st = conn.Prepare("SELECT seq, contacts FROM contact_log ORDER BY seq");
  if (!st.ok()) return st.status();
  for (;;) {
    StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const std::int64_t seq = st->ColumnInt64(0);
    ROUTERD_RETURN_IF_ERROR(ForEachLoggedContact(st->ColumnBlob(1), [&](const LoggedContact& c) -> Status {
      if (c.provider_message_id.empty()) return Status::Ok();
      ++found.keyed;
      if (index != nullptr) index->Insert(base::DedupKeyHash(c.channel_id, c.provider_message_id), seq);
      bool asked = false;
      auto [first, last] = wanted.equal_range(c.provider_message_id);
      for (auto it = first; it != last && !asked; ++it) asked = it->second == c.channel_id;
      const bool unnamed =
          named != nullptr &&
          !std::binary_search(named->begin(), named->end(), base::DedupKeyHash(c.channel_id, c.provider_message_id));
      if (!asked && !unnamed) return Status::Ok();
      StatusOr<ContactPtr> contact = ToContact(c);
      if (!contact.ok()) return contact.status();
      if (asked) found.by_key.emplace(ContactKeyString(c.channel_id, c.provider_message_id), *contact);
      if (unnamed) found.unnamed.push_back(std::move(contact).value());
      return Status::Ok();
    }));
  }
  return found;
}

}  // namespace routerd::storage
