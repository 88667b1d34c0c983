#include "engine/storage/sqlite/contact_keys.h"

#include <map>
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

// A key wanted from one row, by its provider message id.
struct Wanted {
  std::string channel_id;
  bool asked = false;    // for StoredContacts::by_key
  bool unnamed = false;  // for StoredContacts::unnamed
};
using RowWants = std::unordered_multimap<std::string, Wanted, TransparentHash, std::equal_to<>>;

void Want(RowWants& row, std::string_view channel_id, std::string_view provider_message_id, bool asked) {
  auto [first, last] = row.equal_range(provider_message_id);
  for (auto it = first; it != last; ++it) {
    if (it->second.channel_id != channel_id) continue;
    (asked ? it->second.asked : it->second.unnamed) = true;
    return;
  }
  Wanted w{std::string(channel_id)};
  (asked ? w.asked : w.unnamed) = true;
  row.emplace(std::string(provider_message_id), std::move(w));
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

StatusOr<StoredContacts> FindContacts(SqliteConnection& conn, std::span<const std::pair<std::string, std::string>> keys,
                                      bool unnamed) {
  std::map<std::int64_t, RowWants> wanted;  // by contact_log seq
  for (const auto& [channel, message] : keys) {
    StatusOr<Statement> st =
        conn.Prepare("SELECT log_seq FROM contact_keys WHERE channel_id = ?1 AND provider_message_id = ?2");
    if (!st.ok()) return st.status();
    StatusOr<bool> row = st->BindView(1, channel).BindView(2, message).Step();
    if (!row.ok()) return row.status();
    if (*row) Want(wanted[st->ColumnInt64(0)], channel, message, /*asked=*/true);
  }
  if (unnamed) {
    // SQLite builds a transient index on the events' keys for this join, so
    // it costs a sort, not a scan per key.
    StatusOr<Statement> st = conn.Prepare(
        "SELECT k.log_seq, k.channel_id, k.provider_message_id FROM contact_keys k LEFT JOIN session_events e"
        " ON e.channel_id = k.channel_id AND e.provider_message_id = k.provider_message_id WHERE e.seq IS NULL");
    if (!st.ok()) return st.status();
    for (;;) {
      StatusOr<bool> row = st->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      Want(wanted[st->ColumnInt64(0)], st->ColumnText(1), st->ColumnText(2), /*asked=*/false);
    }
  }

  StoredContacts found;
  for (const auto& [seq, wants] : wanted) {
    StatusOr<std::optional<std::string>> row = ReadRow(conn, seq);
    if (!row.ok()) return row.status();
    if (!row->has_value()) continue;
    ROUTERD_RETURN_IF_ERROR(ForEachLoggedContact(**row, [&](const LoggedContact& c) -> Status {
      if (c.provider_message_id.empty()) return Status::Ok();
      auto [first, last] = wants.equal_range(c.provider_message_id);
      for (auto it = first; it != last; ++it) {
        if (it->second.channel_id != c.channel_id) continue;
        StatusOr<ContactPtr> contact = ToContact(c);
        if (!contact.ok()) return contact.status();
        if (it->second.asked) found.by_key.emplace(ContactKeyString(c.channel_id, c.provider_message_id), *contact);
        if (it->second.unnamed) found.unnamed.push_back(std::move(contact).value());
        break;
      }
      return Status::Ok();
    }));
  }
  return found;
}

}  // namespace routerd::storage
