#include "engine/storage/sqlite/contact_keys.h"

#include <map>
#include <functional>
#include <optional>
#include <unordered_set>
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

// Reads the rows of `wanted` (seq -> key strings) in seq order and calls `fn`
// for each contact whose key is wanted in its row, in row order.
Status ForEachWanted(SqliteConnection& conn,
                     const std::map<std::int64_t, std::unordered_set<std::string>>& wanted,
                     const std::function<Status(const std::string& key, const LoggedContact&)>& fn) {
  for (const auto& [seq, keys] : wanted) {
    StatusOr<std::optional<std::string>> row = ReadRow(conn, seq);
    if (!row.ok()) return row.status();
    if (!row->has_value()) continue;
    ROUTERD_RETURN_IF_ERROR(ForEachLoggedContact(**row, [&](const LoggedContact& c) -> Status {
      if (c.provider_message_id.empty()) return Status::Ok();
      std::string key = ContactKeyString(c.channel_id, c.provider_message_id);
      if (!keys.contains(key)) return Status::Ok();
      return fn(key, c);
    }));
  }
  return Status::Ok();
}

}  // namespace

std::string ContactKeyString(std::string_view channel_id, std::string_view provider_message_id) {
  std::string key = std::to_string(channel_id.size());
  key.push_back(':');
  key.append(channel_id);
  key.append(provider_message_id);
  return key;
}

StatusOr<bool> ClaimContactKey(SqliteConnection& conn, ContactLogBatch& batch, std::string_view channel_id,
                               std::string_view provider_message_id) {
  StatusOr<Statement> insert = conn.Prepare(
      "INSERT INTO contact_keys (channel_id, provider_message_id, log_seq) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (channel_id, provider_message_id) DO NOTHING");
  if (!insert.ok()) return insert.status();
  // Views, not copies: the key outlives Run().
  ROUTERD_RETURN_IF_ERROR(
      insert->BindView(1, channel_id).BindView(2, provider_message_id).Bind(3, batch.seq).Run());
  return conn.Changes() == 1;
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

StatusOr<std::unordered_map<std::string, ContactPtr>> FindContacts(
    SqliteConnection& conn, std::span<const std::pair<std::string, std::string>> keys) {
  // Row by row, in seq order, so that each row is read and decoded once.
  std::map<std::int64_t, std::unordered_set<std::string>> wanted;
  for (const auto& [channel, message] : keys) {
    StatusOr<Statement> st =
        conn.Prepare("SELECT log_seq FROM contact_keys WHERE channel_id = ?1 AND provider_message_id = ?2");
    if (!st.ok()) return st.status();
    StatusOr<bool> row = st->BindView(1, channel).BindView(2, message).Step();
    if (!row.ok()) return row.status();
    if (*row) wanted[st->ColumnInt64(0)].insert(ContactKeyString(channel, message));
  }
  std::unordered_map<std::string, ContactPtr> found;
  ROUTERD_RETURN_IF_ERROR(ForEachWanted(conn, wanted, [&](const std::string& key, const LoggedContact& c) -> Status {
    StatusOr<ContactPtr> contact = ToContact(c);
    if (!contact.ok()) return contact.status();
    found.emplace(key, std::move(contact).value());
    return Status::Ok();
  }));
  return found;
}

StatusOr<std::vector<ContactPtr>> FindUnnamedContacts(SqliteConnection& conn) {
  // SQLite builds a transient index on the events' keys for this join, so it
  // costs a sort, not a scan per key.
  StatusOr<Statement> st = conn.Prepare(
      "SELECT k.log_seq, k.channel_id, k.provider_message_id FROM contact_keys k LEFT JOIN session_events e"
      " ON e.channel_id = k.channel_id AND e.provider_message_id = k.provider_message_id WHERE e.seq IS NULL");
  if (!st.ok()) return st.status();
  std::map<std::int64_t, std::unordered_set<std::string>> wanted;
  for (;;) {
    StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    wanted[st->ColumnInt64(0)].insert(ContactKeyString(st->ColumnText(1), st->ColumnText(2)));
  }
  std::vector<ContactPtr> unnamed;
  ROUTERD_RETURN_IF_ERROR(ForEachWanted(conn, wanted, [&](const std::string&, const LoggedContact& c) -> Status {
    StatusOr<ContactPtr> contact = ToContact(c);
    if (!contact.ok()) return contact.status();
    unnamed.push_back(std::move(contact).value());
    return Status::Ok();
  }));
  return unnamed;
}

}  // namespace routerd::storage
