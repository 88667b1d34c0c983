#include "engine/storage/prune.h"

namespace routerd::storage {
namespace {

StatusOr<std::uint64_t> DeleteBatch(SqliteConnection& conn, const char* sql, std::int64_t cutoff_ms,
                                    std::size_t max_rows) {
  StatusOr<Statement> st = conn.Prepare(sql);
  if (!st.ok()) return st.status();
  Status s = st->Bind(1, cutoff_ms).Bind(2, static_cast<std::int64_t>(max_rows)).Run();
  if (!s.ok()) return s;
  return static_cast<std::uint64_t>(conn.Changes());
}

}  // namespace

StatusOr<PrunePass> PruneOnce(SqliteConnection& conn, std::int64_t cutoff_ms, std::size_t max_rows) {
  ROUTERD_RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE"));
  // Oldest first through contacts_by_accepted; attachments go by ON DELETE CASCADE.
  StatusOr<std::uint64_t> contacts = DeleteBatch(conn,
      "DELETE FROM contacts WHERE seq IN (SELECT c.seq FROM contacts c WHERE c.accepted_at_ms < ?1"
      " AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.tenant_id = c.tenant_id"
      " AND s.session_id = c.session_id AND s.ended_at_ms IS NULL)"
      " ORDER BY c.accepted_at_ms LIMIT ?2)",
      cutoff_ms, max_rows);
  StatusOr<std::uint64_t> sessions = contacts.ok()
      ? DeleteBatch(conn,
            "DELETE FROM sessions WHERE (tenant_id, session_id) IN (SELECT tenant_id, session_id FROM sessions"
            " WHERE ended_at_ms < ?1 ORDER BY ended_at_ms LIMIT ?2)",
            cutoff_ms, max_rows)
      : StatusOr<std::uint64_t>(contacts.status());
  Status s = sessions.ok() ? conn.Exec("COMMIT") : sessions.status();
  if (!s.ok()) {
    if (conn.InTransaction()) (void)conn.Exec("ROLLBACK");
    return s;
  }
  PrunePass pass;
  pass.contacts = *contacts;
  pass.sessions = *sessions;
  pass.done = pass.contacts < max_rows && pass.sessions < max_rows;
  return pass;
}

}  // namespace routerd::storage
