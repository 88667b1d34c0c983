#include "engine/storage/sqlite/journal_reader.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "engine/storage/journal_model.h"
#include "engine/storage/sqlite/contact_keys.h"
#include "engine/storage/sqlite/contact_log.h"
#include "engine/storage/sqlite/event_log.h"
#include "engine/storage/sqlite/schema.h"

namespace routerd::storage {
namespace {

// The open sessions with their contacts, and the pending contacts.
Status LoadSessionsAndPending(SqliteConnection& conn, OpenState& state, WriterIndexes* indexes) {
  SessionFold fold;
  std::vector<std::uint64_t> named;  // base::DedupKeyHash of each contact an event names
  ROUTERD_RETURN_IF_ERROR(ForEachStoredEvent(conn, [&](std::int64_t at_ms, const LoggedEvent& e) {
    if (indexes != nullptr) indexes->open_sessions.Add(at_ms, e);
    if (e.provider_message_id.has_value()) {
      named.push_back(base::DedupKeyHash(e.channel_id.value_or(std::string_view()), *e.provider_message_id));
    }
    fold.Add(ToStoredEvent(e));
    return Status::Ok();
  }));
  for (const auto& [tenant, id] : fold.max_session_id()) {
    std::uint64_t& max_id = state.max_session_id[tenant];
    max_id = std::max(max_id, id);
  }

  // One pass over the contact log for the open sessions' contacts and the
  // pending ones.
  std::vector<SessionFold::OpenSession> open = fold.TakeOpen();
  std::vector<std::pair<std::string, std::string>> keys;
  for (const SessionFold::OpenSession& f : open) keys.insert(keys.end(), f.keys.begin(), f.keys.end());
  std::sort(named.begin(), named.end());
  StatusOr<StoredContacts> contacts =
      FindContacts(conn, keys, &named, indexes != nullptr ? &indexes->keys : nullptr);
  if (!contacts.ok()) return contacts.status();
  for (SessionFold::OpenSession& f : open) {
    for (const auto& [channel, message] : f.keys) {
      auto it = contacts->by_key.find(ContactKeyString(channel, message));
      if (it == contacts->by_key.end()) continue;  // pruned: the session comes back without it
      f.session.contacts.push_back(it->second);
    }
    state.sessions.push_back(std::move(f.session));
  }
  state.pending_contacts = std::move(contacts->unnamed);
  state.dedup_keys = contacts->keyed;
  SortByArrival(state.sessions);
  return Status::Ok();
}

StatusOr<std::uint64_t> Count(SqliteConnection& conn, const char* sql) {
  StatusOr<Statement> st = conn.Prepare(sql);
  if (!st.ok()) return st.status();
  StatusOr<bool> row = st->Step();
  if (!row.ok()) return row.status();
  return static_cast<std::uint64_t>(st->ColumnInt64(0));
}

}  // namespace

StatusOr<OpenState> LoadOpenState(ReadConnection& rc, WriterIndexes* indexes) {
  ReadConnection::Snapshot snapshot(rc);
  if (!snapshot.status().ok()) return snapshot.status();
  OpenState state;
  ROUTERD_RETURN_IF_ERROR(LoadSessionsAndPending(rc.conn(), state, indexes));
  StatusOr<std::uint64_t> leave = Count(rc.conn(), "SELECT COUNT(*) FROM leave_messages");
  if (!leave.ok()) return leave.status();
  state.leave_messages = *leave;
  return state;
}

StatusOr<OpenState> LoadOpenState(Database& db, WriterIndexes* indexes) {
  StatusOr<std::unique_ptr<ReadConnection>> rc = db.OpenReader();
  if (!rc.ok()) return rc.status();
  return LoadOpenState(**rc, indexes);
}

StatusOr<bool> ContainsContactKey(ReadConnection& rc, std::string_view channel_id,
                                  std::string_view provider_message_id) {
  if (provider_message_id.empty()) return false;
  const std::pair<std::string, std::string> key{std::string(channel_id), std::string(provider_message_id)};
  StatusOr<StoredContacts> found = FindContacts(rc.conn(), std::span(&key, 1));
  if (!found.ok()) return found.status();
  return !found->by_key.empty();
}

StatusOr<std::optional<StoredSessionTrace>> LoadSessionTrace(ReadConnection& rc, std::string_view tenant_id,
                                                             std::uint64_t session_id) {
  static_assert(static_cast<int>(SessionEventKind::kTrace) == 7, "kSessionTraceSql spells the kind out");
  StatusOr<Statement> st = rc.conn().Prepare(kSessionTraceSql);
  if (!st.ok()) return st.status();
  StatusOr<bool> row = st->Bind(1, tenant_id).Bind(2, static_cast<std::int64_t>(session_id)).Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<StoredSessionTrace>();
  return std::optional<StoredSessionTrace>(StoredSessionTrace{st->ColumnInt64(0), st->ColumnText(1)});
}

}  // namespace routerd::storage
