#include "engine/storage/sqlite/journal_reader.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "engine/storage/journal_model.h"
#include "engine/storage/sqlite/schema.h"

namespace routerd::storage {
namespace {

constexpr const char* kContactColumns =
    "c.tenant_id, c.channel_kind, c.channel_id, c.customer_id, c.display_name, c.provider_message_id, c.text,"
    " c.sent_at_ms, c.received_at_ms, c.attachments, c.phone";

StatusOr<ContactPtr> ReadContact(const Statement& st) {
  auto c = std::make_shared<Contact>();
  c->tenant_id = st.ColumnText(0);
  c->channel_kind = st.ColumnText(1);
  c->channel_id = st.ColumnText(2);
  c->customer_id = st.ColumnText(3);
  c->display_name = st.ColumnText(4);
  c->provider_message_id = st.ColumnText(5);
  c->text = st.ColumnText(6);
  c->sent_at_ms = st.ColumnInt64(7);
  c->received_at_ms = st.ColumnInt64(8);
  if (!st.ColumnIsNull(9)) {
    StatusOr<std::vector<AttachmentRef>> attachments = DecodeAttachments(st.ColumnText(9));
    if (!attachments.ok()) return attachments.status();
    c->attachments = std::move(attachments).value();
  }
  if (!st.ColumnIsNull(10)) c->phone = st.ColumnText(10);
  return ContactPtr(std::move(c));
}

Status FoldSessions(SqliteConnection& conn, OpenState& state) {
  StatusOr<Statement> st = conn.Prepare(
      "SELECT tenant_id, session_id, kind, channel_id, provider_message_id, queue_id, employee_id, channel_kind,"
      " customer_id, arrival_ms FROM session_events ORDER BY seq");
  if (!st.ok()) return st.status();
  SessionFold fold;
  for (;;) {
    StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    StoredSessionEvent e;
    e.tenant_id = st->ColumnText(0);
    e.session_id = static_cast<std::uint64_t>(st->ColumnInt64(1));
    e.kind = static_cast<SessionEventKind>(st->ColumnInt64(2));
    e.channel_id = st->ColumnText(3);
    e.provider_message_id = st->ColumnOptionalText(4);
    e.queue_id = st->ColumnText(5);
    e.employee_id = st->ColumnText(6);
    e.channel_kind = st->ColumnText(7);
    e.customer_id = st->ColumnText(8);
    e.arrival_ms = st->ColumnInt64(9);
    fold.Add(std::move(e));
  }
  for (const auto& [tenant, id] : fold.max_session_id()) {
    std::uint64_t& max_id = state.max_session_id[tenant];
    max_id = std::max(max_id, id);
  }

  const std::string by_key = std::string("SELECT ") + kContactColumns +
                             " FROM contacts c WHERE c.channel_id = ?1 AND c.provider_message_id = ?2";
  for (SessionFold::OpenSession& f : fold.TakeOpen()) {
    for (const auto& [channel, message] : f.keys) {
      StatusOr<Statement> q = conn.Prepare(by_key);
      if (!q.ok()) return q.status();
      StatusOr<bool> row = q->Bind(1, channel).Bind(2, message).Step();
      if (!row.ok()) return row.status();
      if (!*row) continue;  // pruned: the session comes back without it
      StatusOr<ContactPtr> c = ReadContact(*q);
      if (!c.ok()) return c.status();
      f.session.contacts.push_back(std::move(c).value());
    }
    state.sessions.push_back(std::move(f.session));
  }
  SortByArrival(state.sessions);
  return Status::Ok();
}

Status LoadPending(SqliteConnection& conn, OpenState& state) {
  // Keyed contacts no session event names. SQLite builds a transient index on
  // the events' keys for this join, so it costs a sort, not a scan per row.
  StatusOr<Statement> st = conn.Prepare(
      std::string("SELECT ") + kContactColumns +
      " FROM contacts c LEFT JOIN session_events e ON e.channel_id = c.channel_id"
      " AND e.provider_message_id = c.provider_message_id"
      " WHERE c.provider_message_id IS NOT NULL AND e.seq IS NULL ORDER BY c.seq");
  if (!st.ok()) return st.status();
  for (;;) {
    StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    StatusOr<ContactPtr> c = ReadContact(*st);
    if (!c.ok()) return c.status();
    state.pending_contacts.push_back(std::move(c).value());
  }
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

StatusOr<OpenState> LoadOpenState(ReadConnection& rc) {
  ReadConnection::Snapshot snapshot(rc);
  if (!snapshot.status().ok()) return snapshot.status();
  OpenState state;
  ROUTERD_RETURN_IF_ERROR(FoldSessions(rc.conn(), state));
  ROUTERD_RETURN_IF_ERROR(LoadPending(rc.conn(), state));
  StatusOr<std::uint64_t> keys =
      Count(rc.conn(), "SELECT COUNT(*) FROM contacts WHERE provider_message_id IS NOT NULL");
  if (!keys.ok()) return keys.status();
  state.dedup_keys = *keys;
  StatusOr<std::uint64_t> leave = Count(rc.conn(), "SELECT COUNT(*) FROM leave_messages");
  if (!leave.ok()) return leave.status();
  state.leave_messages = *leave;
  return state;
}

StatusOr<OpenState> LoadOpenState(Database& db) {
  StatusOr<std::unique_ptr<ReadConnection>> rc = db.OpenReader();
  if (!rc.ok()) return rc.status();
  return LoadOpenState(**rc);
}

StatusOr<bool> ContainsContactKey(ReadConnection& rc, std::string_view channel_id,
                                  std::string_view provider_message_id) {
  if (provider_message_id.empty()) return false;
  StatusOr<Statement> st =
      rc.conn().Prepare("SELECT 1 FROM contacts WHERE channel_id = ?1 AND provider_message_id = ?2");
  if (!st.ok()) return st.status();
  return st->Bind(1, channel_id).Bind(2, provider_message_id).Step();
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
