#include "engine/storage/sqlite/prune.h"

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/storage/sqlite/contact_keys.h"
#include "engine/storage/sqlite/contact_log.h"
#include "engine/storage/sqlite/event_log.h"

namespace routerd::storage {
namespace {

constexpr std::int64_t kKeepMarginMs = 3'600'000;

// The first seq of `table` whose `time_column` is at or after `cutoff_ms`
// (one past the last row when none is), by binary search on seq.
StatusOr<std::int64_t> FindCut(SqliteConnection& conn, const std::string& table, const std::string& time_column,
                               std::int64_t cutoff_ms) {
  StatusOr<Statement> bounds = conn.Prepare("SELECT COALESCE(MIN(seq), 1), COALESCE(MAX(seq), 0) FROM " + table);
  if (!bounds.ok()) return bounds.status();
  StatusOr<bool> row = bounds->Step();
  if (!row.ok()) return row.status();
  std::int64_t lo = bounds->ColumnInt64(0);
  std::int64_t hi = bounds->ColumnInt64(1) + 1;
  const std::string probe = "SELECT seq, " + time_column + " FROM " + table + " WHERE seq >= ?1 ORDER BY seq LIMIT 1";
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    StatusOr<Statement> st = conn.Prepare(probe);
    if (!st.ok()) return st.status();
    StatusOr<bool> found = st->Bind(1, mid).Step();
    if (!found.ok()) return found.status();
    if (*found && st->ColumnInt64(0) < hi && st->ColumnInt64(1) < cutoff_ms) {
      lo = st->ColumnInt64(0) + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

StatusOr<std::uint64_t> DeleteBatch(SqliteConnection& conn, const std::string& sql, std::int64_t cut,
                                    std::size_t max_rows) {
  StatusOr<Statement> st = conn.Prepare(sql);
  if (!st.ok()) return st.status();
  Status s = st->Bind(1, cut).Bind(2, static_cast<std::int64_t>(max_rows)).Run();
  if (!s.ok()) return s;
  return static_cast<std::uint64_t>(conn.Changes());
}

}  // namespace

StatusOr<PrunePlan> PlanPrune(SqliteConnection& conn, std::int64_t cutoff_ms, const OpenSessionIndex& open) {
  PrunePlan plan;
  StatusOr<std::int64_t> contact_cut = FindCut(conn, "contact_log", "accepted_at_ms", cutoff_ms);
  if (!contact_cut.ok()) return contact_cut.status();
  StatusOr<std::int64_t> event_cut = FindCut(conn, "event_log", "at_ms", cutoff_ms);
  if (!event_cut.ok()) return event_cut.status();
  StatusOr<std::int64_t> trace_cut = FindCut(conn, "session_events", "at_ms", cutoff_ms);
  if (!trace_cut.ok()) return trace_cut.status();
  plan.contact_cut = *contact_cut;
  plan.event_cut = *event_cut;
  plan.trace_cut = *trace_cut;

  // A contact is named by its session moments after it is accepted, so a
  // session opened a little after the cut may still name a contact before
  // it: sessions opened up to an hour past the cut keep their contacts too.
  const std::vector<OpenSessionIndex::Key> keep = open.OpenedBefore(cutoff_ms + kKeepMarginMs);
  plan.keep_open = !keep.empty();
  if (!plan.keep_open) return plan;
  for (const OpenSessionIndex::Key& k : keep) plan.keep_sessions[k.tenant_id].insert(k.session_id);
  // The traces' deletion names them in SQL.
  Status s = conn.Exec(
      "CREATE TEMP TABLE IF NOT EXISTS prune_keep_sessions (tenant_id TEXT, session_id INTEGER,"
      " PRIMARY KEY (tenant_id, session_id)) WITHOUT ROWID;"
      "BEGIN; DELETE FROM temp.prune_keep_sessions;");
  for (std::size_t i = 0; s.ok() && i < keep.size(); ++i) {
    StatusOr<Statement> st = conn.Prepare("INSERT OR IGNORE INTO temp.prune_keep_sessions VALUES (?1, ?2)");
    s = st.ok() ? st->Bind(1, keep[i].tenant_id).Bind(2, static_cast<std::int64_t>(keep[i].session_id)).Run()
                : st.status();
  }
  // One scan of the event log per prune (not per pass), only when a session
  // has been open about as long as the retention period.
  if (s.ok()) {
    s = ForEachStoredEvent(conn, [&plan](std::int64_t, const LoggedEvent& e) {
      if (e.provider_message_id.has_value() && plan.Keeps(e)) {
        plan.keep_contacts.insert(ContactKeyString(e.channel_id.value_or(std::string_view()), *e.provider_message_id));
      }
      return Status::Ok();
    });
  }
  if (s.ok()) s = conn.Exec("COMMIT");
  // Never leave the writer's connection inside a transaction: the next batch
  // begins its own.
  if (!s.ok() && conn.InTransaction()) (void)conn.Exec("ROLLBACK");
  if (!s.ok()) return s;
  return plan;
}

bool PrunePlan::Keeps(const LoggedEvent& e) const {
  auto it = keep_sessions.find(e.tenant_id);
  return it != keep_sessions.end() && it->second.contains(e.session_id);
}

namespace {

// The dedup keys a pass forgets, taken out of the index once it commits.
using ForgottenKeys = std::vector<std::pair<std::uint64_t, std::int64_t>>;  // hash, row

// Rewrites log row `seq` of `table` with `kept` as its `column`, or deletes
// the row when it keeps nothing.
Status RewriteLogRow(SqliteConnection& conn, std::string_view table, std::string_view column, std::int64_t seq,
                     bool keeps_nothing, std::string_view kept) {
  const std::string sql = keeps_nothing ? "DELETE FROM " + std::string(table) + " WHERE seq = ?1"
                                        : "UPDATE " + std::string(table) + " SET " + std::string(column) +
                                              " = ?2 WHERE seq = ?1";
  StatusOr<Statement> st = conn.Prepare(sql);
  if (!st.ok()) return st.status();
  st->Bind(1, seq);
  if (!keeps_nothing) st->BindBlobView(2, kept);
  return st->Run();
}

// Hands the rows of log `table` from `next` on, below `cut`, to `prune` (the
// row's seq and `column`), which returns how many items went, until about
// `max_rows` went or the cut is reached; `next` moves past each row handed.
StatusOr<std::uint64_t> PruneLogRows(SqliteConnection& conn, std::string_view table, std::string_view column,
                                     std::int64_t& next, std::int64_t cut, std::size_t max_rows,
                                     const std::function<StatusOr<std::uint64_t>(std::int64_t, std::string_view)>& prune) {
  const std::string sql = "SELECT seq, " + std::string(column) + " FROM " + std::string(table) +
                          " WHERE seq >= ?1 AND seq < ?2 ORDER BY seq LIMIT 1";
  std::uint64_t gone = 0;
  while (gone < max_rows && next < cut) {
    StatusOr<Statement> st = conn.Prepare(sql);
    if (!st.ok()) return st.status();
    StatusOr<bool> row = st->Bind(1, next).Bind(2, cut).Step();
    if (!row.ok()) return row.status();
    if (!*row) {
      next = cut;
      break;
    }
    const std::int64_t seq = st->ColumnInt64(0);
    const std::string bytes(st->ColumnBlob(1));  // the statement is reused by what `prune` runs
    StatusOr<std::uint64_t> n = prune(seq, bytes);
    if (!n.ok()) return n.status();
    gone += *n;
    next = seq + 1;
  }
  return gone;
}

// Prunes contact_log row `seq`: deletes it, or rewrites it with the contacts
// it keeps, and notes the keys of the others in `forgotten`. Returns how
// many contacts went.
StatusOr<std::uint64_t> PruneContactRow(SqliteConnection& conn, const PrunePlan& plan, std::int64_t seq,
                                        std::string_view bytes, ForgottenKeys& forgotten) {
  ContactLogBuilder kept;
  std::uint64_t gone = 0;
  ROUTERD_RETURN_IF_ERROR(ForEachLoggedContact(bytes, [&](const LoggedContact& c) -> Status {
    const bool keyed = !c.provider_message_id.empty();
    if (keyed && !plan.keep_contacts.empty() &&
        plan.keep_contacts.contains(ContactKeyString(c.channel_id, c.provider_message_id))) {
      kept.AddLogged(c);
      return Status::Ok();
    }
    ++gone;
    if (keyed) forgotten.emplace_back(base::DedupKeyHash(c.channel_id, c.provider_message_id), seq);
    return Status::Ok();
  }));
  ROUTERD_RETURN_IF_ERROR(RewriteLogRow(conn, "contact_log", "contacts", seq, kept.empty(), kept.bytes()));
  return gone;
}

StatusOr<std::uint64_t> PruneContacts(SqliteConnection& conn, PrunePlan& plan, std::size_t max_rows,
                                      ForgottenKeys& forgotten) {
  return PruneLogRows(conn, "contact_log", "contacts", plan.contact_next, plan.contact_cut, max_rows,
                      [&](std::int64_t seq, std::string_view bytes) {
                        return PruneContactRow(conn, plan, seq, bytes, forgotten);
                      });
}

// Prunes event_log row `seq`: deletes it, or rewrites it with the events of
// the sessions kept. Returns how many events went.
StatusOr<std::uint64_t> PruneEventRow(SqliteConnection& conn, const PrunePlan& plan, std::int64_t seq,
                                      std::string_view bytes) {
  EventLogBuilder kept;
  std::uint64_t gone = 0;
  ROUTERD_RETURN_IF_ERROR(ForEachLoggedEvent(bytes, [&](const LoggedEvent& e) {
    if (plan.keep_open && plan.Keeps(e)) {
      kept.AddLogged(e);
    } else {
      ++gone;
    }
    return Status::Ok();
  }));
  if (gone == 0) return gone;  // only kept sessions' events: the row stays as it is
  ROUTERD_RETURN_IF_ERROR(RewriteLogRow(conn, "event_log", "events", seq, kept.empty(), kept.bytes()));
  return gone;
}

StatusOr<std::uint64_t> PruneEvents(SqliteConnection& conn, PrunePlan& plan, std::size_t max_rows) {
  return PruneLogRows(conn, "event_log", "events", plan.event_next, plan.event_cut, max_rows,
                      [&](std::int64_t seq, std::string_view bytes) { return PruneEventRow(conn, plan, seq, bytes); });
}

}  // namespace

StatusOr<PrunePass> PruneOnce(SqliteConnection& conn, PrunePlan& plan, std::size_t max_rows, ContactKeyIndex& keys) {
  ROUTERD_RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE"));
  const std::int64_t contact_next = plan.contact_next;
  const std::int64_t event_next = plan.event_next;
  const std::string keep_sessions =
      plan.keep_open ? " AND NOT EXISTS (SELECT 1 FROM temp.prune_keep_sessions k WHERE k.tenant_id = e.tenant_id"
                       " AND k.session_id = e.session_id)"
                     : "";
  ForgottenKeys forgotten;
  StatusOr<std::uint64_t> contacts = PruneContacts(conn, plan, max_rows, forgotten);
  // Events only once no contact past retention is left: a contact whose
  // naming event went first would look pending after a restart.
  const bool contacts_left = contacts.ok() && plan.contact_next < plan.contact_cut;
  StatusOr<std::uint64_t> events = contacts.ok() ? StatusOr<std::uint64_t>(std::uint64_t{0}) : contacts.status();
  if (events.ok() && !contacts_left) events = PruneEvents(conn, plan, max_rows);
  StatusOr<std::uint64_t> traces = events.ok() ? StatusOr<std::uint64_t>(std::uint64_t{0}) : events.status();
  if (traces.ok() && !contacts_left) {
    traces = DeleteBatch(conn,
                         "DELETE FROM session_events WHERE seq IN (SELECT e.seq FROM session_events e"
                         " WHERE e.seq < ?1" + keep_sessions + " ORDER BY e.seq LIMIT ?2)",
                         plan.trace_cut, max_rows);
  }
  Status s = traces.ok() ? conn.Exec("COMMIT") : traces.status();
  if (!s.ok()) {
    if (conn.InTransaction()) (void)conn.Exec("ROLLBACK");
    plan.contact_next = contact_next;  // nothing of the pass is stored
    plan.event_next = event_next;
    return s;
  }
  for (const auto& [hash, seq] : forgotten) keys.Erase(hash, seq);
  PrunePass pass;
  pass.contacts = *contacts;
  pass.session_events = *events + *traces;
  pass.done = !contacts_left && plan.event_next >= plan.event_cut && *traces < max_rows;
  return pass;
}

}  // namespace routerd::storage
