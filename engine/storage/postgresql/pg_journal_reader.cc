#include "engine/storage/postgresql/pg_journal_reader.h"

#include <map>
#include <utility>

#include "engine/storage/journal_model.h"

namespace routerd::storage {
namespace {

constexpr const char* kContactColumns =
    "c.tenant_id, c.channel_kind, c.channel_id, c.customer_id, c.display_name, c.provider_message_id, c.text,"
    " c.sent_at_ms, c.received_at_ms, c.attachments, c.phone";
constexpr int kFetchRows = 10000;

StatusOr<ContactPtr> ReadContact(const PgResult& r, int row) {
  auto c = std::make_shared<Contact>();
  c->tenant_id = r.Text(row, 0);
  c->channel_kind = r.Text(row, 1);
  c->channel_id = r.Text(row, 2);
  c->customer_id = r.Text(row, 3);
  c->display_name = r.Text(row, 4);
  c->provider_message_id = r.Text(row, 5);
  c->text = r.Text(row, 6);
  c->sent_at_ms = r.Int64(row, 7);
  c->received_at_ms = r.Int64(row, 8);
  if (!r.IsNull(row, 9)) {
    StatusOr<std::vector<AttachmentRef>> attachments = DecodeAttachments(r.Text(row, 9));
    if (!attachments.ok()) return attachments.status();
    c->attachments = std::move(attachments).value();
  }
  if (!r.IsNull(row, 10)) c->phone = r.Text(row, 10);
  return ContactPtr(std::move(c));
}

Status FoldSessions(PgConnection& conn, OpenState& state) {
  ROUTERD_RETURN_IF_ERROR(conn.Exec(
      "DECLARE routerd_events NO SCROLL CURSOR FOR SELECT tenant_id, session_id, kind, channel_id,"
      " provider_message_id, queue_id, employee_id, channel_kind, customer_id, arrival_ms"
      " FROM session_events ORDER BY seq"));
  SessionFold fold;
  for (;;) {
    StatusOr<PgResult> r = conn.Query("FETCH " + std::to_string(kFetchRows) + " FROM routerd_events");
    if (!r.ok()) return r.status();
    for (int row = 0; row < r->rows(); ++row) {
      StoredSessionEvent e;
      e.tenant_id = r->Text(row, 0);
      e.session_id = static_cast<std::uint64_t>(r->Int64(row, 1));
      e.kind = static_cast<SessionEventKind>(r->Int64(row, 2));
      e.channel_id = r->Text(row, 3);
      e.provider_message_id = r->OptionalText(row, 4);
      e.queue_id = r->Text(row, 5);
      e.employee_id = r->Text(row, 6);
      e.channel_kind = r->Text(row, 7);
      e.customer_id = r->Text(row, 8);
      e.arrival_ms = r->IsNull(row, 9) ? 0 : r->Int64(row, 9);
      fold.Add(std::move(e));
    }
    if (r->rows() < kFetchRows) break;
  }
  ROUTERD_RETURN_IF_ERROR(conn.Exec("CLOSE routerd_events"));
  state.max_session_id = std::move(fold.max_session_id());

  std::vector<SessionFold::OpenSession> open = fold.TakeOpen();
  std::vector<std::string_view> channels, messages;
  for (const SessionFold::OpenSession& f : open) {
    for (const auto& [channel, message] : f.keys) {
      channels.push_back(channel);
      messages.push_back(message);
    }
  }
  std::map<std::pair<std::string, std::string>, ContactPtr> by_key;
  if (!channels.empty()) {
    PgParams p;
    p.Add(std::string_view(PgTextArray(channels))).Add(std::string_view(PgTextArray(messages)));
    StatusOr<PgResult> r = conn.Query(std::string("SELECT ") + kContactColumns +
                                          " FROM contacts c JOIN unnest($1::text[], $2::text[]) AS k(channel_id,"
                                          " provider_message_id) USING (channel_id, provider_message_id)",
                                      p);
    if (!r.ok()) return r.status();
    for (int row = 0; row < r->rows(); ++row) {
      StatusOr<ContactPtr> c = ReadContact(*r, row);
      if (!c.ok()) return c.status();
      by_key.emplace(std::make_pair((*c)->channel_id, (*c)->provider_message_id), std::move(c).value());
    }
  }
  for (SessionFold::OpenSession& f : open) {
    for (auto& key : f.keys) {
      auto it = by_key.find(key);
      if (it != by_key.end()) f.session.contacts.push_back(it->second);  // absent: pruned
    }
    state.sessions.push_back(std::move(f.session));
  }
  SortByArrival(state.sessions);
  return Status::Ok();
}

Status LoadPending(PgConnection& conn, OpenState& state) {
  StatusOr<PgResult> r = conn.Query(std::string("SELECT ") + kContactColumns +
                                    " FROM contacts c WHERE c.provider_message_id IS NOT NULL AND NOT EXISTS"
                                    " (SELECT 1 FROM session_events e WHERE e.channel_id = c.channel_id"
                                    " AND e.provider_message_id = c.provider_message_id) ORDER BY c.seq");
  if (!r.ok()) return r.status();
  for (int row = 0; row < r->rows(); ++row) {
    StatusOr<ContactPtr> c = ReadContact(*r, row);
    if (!c.ok()) return c.status();
    state.pending_contacts.push_back(std::move(c).value());
  }
  return Status::Ok();
}

StatusOr<std::uint64_t> Count(PgConnection& conn, const char* sql) {
  StatusOr<PgResult> r = conn.Query(sql);
  if (!r.ok()) return r.status();
  return static_cast<std::uint64_t>(r->Int64(0, 0));
}

Status Load(PgConnection& conn, OpenState& state) {
  ROUTERD_RETURN_IF_ERROR(FoldSessions(conn, state));
  ROUTERD_RETURN_IF_ERROR(LoadPending(conn, state));
  StatusOr<std::uint64_t> keys = Count(conn, "SELECT count(*) FROM contacts WHERE provider_message_id IS NOT NULL");
  if (!keys.ok()) return keys.status();
  state.dedup_keys = *keys;
  StatusOr<std::uint64_t> leave = Count(conn, "SELECT count(*) FROM leave_messages");
  if (!leave.ok()) return leave.status();
  state.leave_messages = *leave;
  return Status::Ok();
}

}  // namespace

StatusOr<OpenState> LoadOpenStatePg(PgConnection& conn) {
  ROUTERD_RETURN_IF_ERROR(conn.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  OpenState state;
  Status s = Load(conn, state);
  if (!conn.Broken()) (void)conn.Exec(s.ok() ? "COMMIT" : "ROLLBACK");
  if (!s.ok()) return s;
  return state;
}

}  // namespace routerd::storage
