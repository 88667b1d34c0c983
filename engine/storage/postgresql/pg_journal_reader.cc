#include "engine/storage/postgresql/pg_journal_reader.h"

#include <map>
#include <utility>

#include "engine/storage/journal_model.h"
#include "engine/storage/postgresql/pg_contact_rows.h"

namespace routerd::storage {
namespace {

constexpr int kFetchRows = 10000;

// " <keyword> <column> = $1" with $1 = the tenant when filtered, else empty:
// the same statements for the whole database and for one tenant (whose
// sessions no other tenant's events affect).
std::string TenantFilter(const std::optional<std::string>& tenant, const char* keyword, const char* column,
                         PgParams& p) {
  if (!tenant) return {};
  p.Add(std::string_view(*tenant));
  return std::string(" ") + keyword + " " + column + " = $1";
}

Status FoldSessions(PgConnection& conn, const std::optional<std::string>& tenant, OpenState& state) {
  PgParams filter;
  const std::string where = TenantFilter(tenant, "WHERE", "tenant_id", filter);
  StatusOr<PgResult> declared = conn.Query(
      "DECLARE routerd_events NO SCROLL CURSOR FOR SELECT tenant_id, session_id, kind, channel_id,"
      " provider_message_id, queue_id, employee_id, channel_kind, customer_id, arrival_ms"
      " FROM session_events" + where + " ORDER BY seq",
      filter);
  if (!declared.ok()) return declared.status();
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
    StatusOr<PgResult> r = conn.Query(std::string("SELECT ") + kPgContactColumns +
                                          " FROM contacts c JOIN unnest($1::text[], $2::text[]) AS k(channel_id,"
                                          " provider_message_id) USING (channel_id, provider_message_id)",
                                      p);
    if (!r.ok()) return r.status();
    for (int row = 0; row < r->rows(); ++row) {
      StatusOr<ContactPtr> c = ReadPgContact(*r, row);
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

Status LoadPending(PgConnection& conn, const std::optional<std::string>& tenant, OpenState& state) {
  PgParams filter;
  const std::string where = TenantFilter(tenant, "AND", "c.tenant_id", filter);
  StatusOr<PgResult> r = conn.Query(std::string("SELECT ") + kPgContactColumns +
                                        " FROM contacts c WHERE c.provider_message_id IS NOT NULL" + where +
                                        " AND NOT EXISTS (SELECT 1 FROM session_events e WHERE e.channel_id ="
                                        " c.channel_id AND e.provider_message_id = c.provider_message_id)"
                                        " ORDER BY c.seq",
                                    filter);
  if (!r.ok()) return r.status();
  for (int row = 0; row < r->rows(); ++row) {
    StatusOr<ContactPtr> c = ReadPgContact(*r, row);
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
  ROUTERD_RETURN_IF_ERROR(ReadOpenSessionsPg(conn, std::nullopt, state));
  StatusOr<std::uint64_t> keys = Count(conn, "SELECT count(*) FROM contacts WHERE provider_message_id IS NOT NULL");
  if (!keys.ok()) return keys.status();
  state.dedup_keys = *keys;
  StatusOr<std::uint64_t> leave = Count(conn, "SELECT count(*) FROM leave_messages");
  if (!leave.ok()) return leave.status();
  state.leave_messages = *leave;
  return Status::Ok();
}

}  // namespace

Status ReadOpenSessionsPg(PgConnection& conn, const std::optional<std::string>& tenant, OpenState& state) {
  ROUTERD_RETURN_IF_ERROR(FoldSessions(conn, tenant, state));
  return LoadPending(conn, tenant, state);
}

StatusOr<OpenState> LoadOpenStatePg(PgConnection& conn) {
  ROUTERD_RETURN_IF_ERROR(conn.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  OpenState state;
  Status s = Load(conn, state);
  if (!conn.Broken()) (void)conn.Exec(s.ok() ? "COMMIT" : "ROLLBACK");
  if (!s.ok()) return s;
  return state;
}

StatusOr<std::optional<StoredSessionTrace>> LoadSessionTracePg(PgConnection& conn, const std::string& tenant_id,
                                                               std::uint64_t session_id) {
  static_assert(static_cast<int>(SessionEventKind::kTrace) == 7, "kPgSessionTraceSql spells the kind out");
  PgParams p;
  p.Add(std::string_view(tenant_id)).Add(static_cast<std::int64_t>(session_id));
  StatusOr<PgResult> r = conn.Query(std::string(kPgSessionTraceSql), p);
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<StoredSessionTrace>();
  return std::optional<StoredSessionTrace>(StoredSessionTrace{r->Int64(0, 0), std::string(r->Text(0, 1))});
}

}  // namespace routerd::storage
