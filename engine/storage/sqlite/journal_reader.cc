#include "engine/storage/sqlite/journal_reader.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "engine/storage/sqlite/contact_codec.h"
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

struct FoldedSession {
  RecoveredSession session;
  std::vector<std::pair<std::string, std::string>> keys;  // (channel_id, provider_message_id), in order
};

struct SessionKey {
  std::string tenant_id;
  std::uint64_t session_id;
  bool operator==(const SessionKey&) const = default;
};
struct SessionKeyHash {
  std::size_t operator()(const SessionKey& k) const {
    return std::hash<std::string>()(k.tenant_id) * 31 + std::hash<std::uint64_t>()(k.session_id);
  }
};

Status FoldSessions(SqliteConnection& conn, OpenState& state) {
  StatusOr<Statement> st = conn.Prepare(
      "SELECT tenant_id, session_id, kind, channel_id, provider_message_id, queue_id, employee_id, channel_kind,"
      " customer_id, arrival_ms FROM session_events ORDER BY seq");
  if (!st.ok()) return st.status();
  std::unordered_map<SessionKey, FoldedSession, SessionKeyHash> open;
  for (;;) {
    StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    SessionKey key{st->ColumnText(0), static_cast<std::uint64_t>(st->ColumnInt64(1))};
    const auto kind = static_cast<SessionEventKind>(st->ColumnInt64(2));
    if (kind == SessionEventKind::kKept) continue;
    if (kind == SessionEventKind::kOpened) {
      std::uint64_t& max_id = state.max_session_id[key.tenant_id];
      max_id = std::max(max_id, key.session_id);
      if (open.count(key)) continue;  // opened twice: the first opening stands
      FoldedSession f;
      RecoveredSession& s = f.session;
      s.tenant_id = key.tenant_id;
      s.session_id = key.session_id;
      s.channel_id = st->ColumnText(3);
      s.queue_id = st->ColumnText(5);
      s.channel_kind = st->ColumnText(7);
      s.customer_id = st->ColumnText(8);
      s.arrival_ms = st->ColumnInt64(9);
      if (!st->ColumnIsNull(4)) f.keys.emplace_back(st->ColumnText(3), st->ColumnText(4));
      open.emplace(std::move(key), std::move(f));
      continue;
    }
    auto it = open.find(key);
    if (it == open.end()) continue;  // names a session that is not open: nothing to restore
    RecoveredSession& s = it->second.session;
    switch (kind) {
      case SessionEventKind::kContact:
        it->second.keys.emplace_back(st->ColumnText(3), st->ColumnText(4));
        break;
      case SessionEventKind::kAssigned:
        s.employee_id = st->ColumnText(6);
        break;
      case SessionEventKind::kRequeued:
        s.employee_id.reset();
        if (std::string queue = st->ColumnText(5); !queue.empty()) s.queue_id = std::move(queue);
        break;
      case SessionEventKind::kEnded:
        open.erase(it);
        break;
      default:
        break;
    }
  }

  const std::string by_key = std::string("SELECT ") + kContactColumns +
                             " FROM contacts c WHERE c.channel_id = ?1 AND c.provider_message_id = ?2";
  for (auto& [key, f] : open) {
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
  std::sort(state.sessions.begin(), state.sessions.end(), [](const RecoveredSession& a, const RecoveredSession& b) {
    return std::tie(a.arrival_ms, a.tenant_id, a.session_id) < std::tie(b.arrival_ms, b.tenant_id, b.session_id);
  });
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

void MergeOpenState(OpenState& into, OpenState&& part) {
  std::move(part.sessions.begin(), part.sessions.end(), std::back_inserter(into.sessions));
  std::sort(into.sessions.begin(), into.sessions.end(), [](const RecoveredSession& a, const RecoveredSession& b) {
    return std::tie(a.arrival_ms, a.tenant_id, a.session_id) < std::tie(b.arrival_ms, b.tenant_id, b.session_id);
  });
  std::move(part.pending_contacts.begin(), part.pending_contacts.end(), std::back_inserter(into.pending_contacts));
  into.dedup_keys += part.dedup_keys;
  for (const auto& [tenant, id] : part.max_session_id) {
    std::uint64_t& max_id = into.max_session_id[tenant];
    max_id = std::max(max_id, id);
  }
  into.leave_messages += part.leave_messages;
}

}  // namespace routerd::storage
