#include "engine/storage/postgresql/pg_prune.h"

namespace routerd::storage {
namespace {

// A session is open when it has an opening and no end.
constexpr const char* kOpenSession =
    "EXISTS (SELECT 1 FROM session_events o WHERE o.tenant_id = %1.tenant_id AND o.session_id = %1.session_id"
    " AND o.kind = 1 AND NOT EXISTS (SELECT 1 FROM session_events x WHERE x.tenant_id = o.tenant_id"
    " AND x.session_id = o.session_id AND x.kind = 5))";

std::string OpenSessionOf(const std::string& alias) {
  std::string out = kOpenSession;
  for (std::size_t at = out.find("%1"); at != std::string::npos; at = out.find("%1", at)) out.replace(at, 2, alias);
  return out;
}

StatusOr<std::uint64_t> Delete(PgConnection& conn, const std::string& sql, std::int64_t cutoff_ms,
                               std::size_t max_rows) {
  PgParams p;
  p.Add(cutoff_ms).Add(static_cast<std::int64_t>(max_rows));
  StatusOr<PgResult> r = conn.Query(sql, p);
  if (!r.ok()) return r.status();
  return r->affected();
}

StatusOr<PrunePass> Pass(PgConnection& conn, std::int64_t cutoff_ms, std::size_t max_rows) {
  PrunePass pass;
  // A contact of an open session is named by one of its events (opening or
  // joining); any other contact past retention goes.
  StatusOr<std::uint64_t> contacts = Delete(
      conn,
      "DELETE FROM contacts WHERE seq IN (SELECT c.seq FROM contacts c WHERE c.accepted_at_ms < $1"
      " AND NOT EXISTS (SELECT 1 FROM session_events e WHERE e.channel_id = c.channel_id"
      " AND e.provider_message_id = c.provider_message_id AND e.kind IN (1, 2) AND " +
          OpenSessionOf("e") + ") ORDER BY c.seq LIMIT $2)",
      cutoff_ms, max_rows);
  if (!contacts.ok()) return contacts.status();
  pass.contacts = *contacts;
  if (pass.contacts >= max_rows) return pass;
  StatusOr<std::uint64_t> events = Delete(
      conn,
      "DELETE FROM session_events WHERE seq IN (SELECT e.seq FROM session_events e WHERE e.at_ms < $1"
      " AND NOT " + OpenSessionOf("e") + " ORDER BY e.seq LIMIT $2)",
      cutoff_ms, max_rows);
  if (!events.ok()) return events.status();
  pass.session_events = *events;
  pass.done = pass.session_events < max_rows;
  return pass;
}

}  // namespace

StatusOr<PrunePass> PruneOncePg(PgConnection& conn, std::int64_t cutoff_ms, std::size_t max_rows) {
  ROUTERD_RETURN_IF_ERROR(conn.Exec("BEGIN"));
  StatusOr<PrunePass> pass = Pass(conn, cutoff_ms, max_rows);
  Status end = pass.ok() ? conn.Exec("COMMIT") : Status::Ok();
  if ((!pass.ok() || !end.ok()) && !conn.Broken() && conn.InTransaction()) (void)conn.Exec("ROLLBACK");
  if (!pass.ok()) return pass.status();
  if (!end.ok()) return end;
  return pass;
}

}  // namespace routerd::storage
