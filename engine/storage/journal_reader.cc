#include "engine/storage/journal_reader.h"

#include <unordered_map>
#include <utility>

namespace routerd::storage {
namespace {

// Column list shared by the contact queries below; ReadContact reads it from `first`.
constexpr const char* kContactColumns =
    "c.seq, c.tenant_id, c.channel_kind, c.channel_id, c.customer_id, c.display_name,"
    " c.provider_message_id, c.text, c.sent_at_ms, c.received_at_ms";

StatusOr<ContactPtr> ReadContact(SqliteConnection& conn, const Statement& st, int first) {
  auto c = std::make_shared<Contact>();
  std::int64_t seq = st.ColumnInt64(first);
  c->tenant_id = st.ColumnText(first + 1);
  c->channel_kind = st.ColumnText(first + 2);
  c->channel_id = st.ColumnText(first + 3);
  c->customer_id = st.ColumnText(first + 4);
  c->display_name = st.ColumnText(first + 5);
  c->provider_message_id = st.ColumnText(first + 6);
  c->text = st.ColumnText(first + 7);
  c->sent_at_ms = st.ColumnInt64(first + 8);
  c->received_at_ms = st.ColumnInt64(first + 9);

  StatusOr<Statement> att = conn.Prepare(
      "SELECT type, reference, mime, size_bytes, name FROM contact_attachments WHERE contact_seq = ?1 ORDER BY ordinal");
  if (!att.ok()) return att.status();
  att->Bind(1, seq);
  for (;;) {
    StatusOr<bool> row = att->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    AttachmentRef a;
    a.type = att->ColumnText(0);
    a.reference = att->ColumnText(1);
    a.mime = att->ColumnText(2);
    if (!att->ColumnIsNull(3)) a.size_bytes = static_cast<std::uint64_t>(att->ColumnInt64(3));
    a.name = att->ColumnText(4);
    c->attachments.push_back(std::move(a));
  }
  return ContactPtr(std::move(c));
}

Status LoadSessions(SqliteConnection& conn, OpenState& state) {
  StatusOr<Statement> st = conn.Prepare(
      "SELECT tenant_id, session_id, channel_kind, channel_id, customer_id, queue_id, arrival_ms, employee_id,"
      " assigned_at_ms FROM sessions WHERE ended_at_ms IS NULL ORDER BY arrival_ms, session_id");
  if (!st.ok()) return st.status();
  for (;;) {
    StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    RecoveredSession s;
    s.tenant_id = st->ColumnText(0);
    s.session_id = static_cast<std::uint64_t>(st->ColumnInt64(1));
    s.channel_kind = st->ColumnText(2);
    s.channel_id = st->ColumnText(3);
    s.customer_id = st->ColumnText(4);
    s.queue_id = st->ColumnText(5);
    s.arrival_ms = st->ColumnInt64(6);
    s.employee_id = st->ColumnOptionalText(7);
    if (!st->ColumnIsNull(8)) s.assigned_at_ms = st->ColumnInt64(8);
    state.sessions.push_back(std::move(s));
  }

  std::unordered_map<std::string, std::size_t> index;  // "tenant\0id" -> position
  auto key = [](const std::string& tenant, std::uint64_t id) { return tenant + '\0' + std::to_string(id); };
  for (std::size_t i = 0; i < state.sessions.size(); ++i) {
    index.emplace(key(state.sessions[i].tenant_id, state.sessions[i].session_id), i);
  }
  StatusOr<Statement> cs = conn.Prepare(std::string("SELECT c.session_id, ") + kContactColumns +
                                        " FROM contacts c JOIN sessions s ON s.tenant_id = c.tenant_id"
                                        " AND s.session_id = c.session_id"
                                        " WHERE s.ended_at_ms IS NULL ORDER BY c.seq");
  if (!cs.ok()) return cs.status();
  for (;;) {
    StatusOr<bool> row = cs->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    StatusOr<ContactPtr> c = ReadContact(conn, *cs, 1);
    if (!c.ok()) return c.status();
    auto it = index.find(key((*c)->tenant_id, static_cast<std::uint64_t>(cs->ColumnInt64(0))));
    if (it != index.end()) state.sessions[it->second].contacts.push_back(std::move(c).value());
  }

  StatusOr<Statement> mx = conn.Prepare("SELECT tenant_id, MAX(session_id) FROM sessions GROUP BY tenant_id");
  if (!mx.ok()) return mx.status();
  for (;;) {
    StatusOr<bool> row = mx->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    state.max_session_id[mx->ColumnText(0)] = static_cast<std::uint64_t>(mx->ColumnInt64(1));
  }
  return Status::Ok();
}

Status LoadPending(SqliteConnection& conn, OpenState& state) {
  StatusOr<Statement> st = conn.Prepare(std::string("SELECT ") + kContactColumns +
                                        " FROM contacts c WHERE c.session_id IS NULL AND c.leave_message_id IS NULL"
                                        " AND c.provider_message_id IS NOT NULL ORDER BY c.seq");
  if (!st.ok()) return st.status();
  for (;;) {
    StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    StatusOr<ContactPtr> c = ReadContact(conn, *st, 0);
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
  ROUTERD_RETURN_IF_ERROR(LoadSessions(rc.conn(), state));
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

}  // namespace routerd::storage
