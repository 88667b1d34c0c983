#include "engine/storage/sqlite/open_session_index.h"

#include "engine/storage/sqlite/schema.h"

namespace routerd::storage {

Status OpenSessionIndex::Load(SqliteConnection& conn) {
  open_.clear();
  StatusOr<Statement> st = conn.Prepare(
      "SELECT seq, tenant_id, session_id, kind FROM session_events WHERE kind IN (?1, ?2) ORDER BY seq");
  if (!st.ok()) return st.status();
  st->Bind(1, static_cast<std::int64_t>(SessionEventKind::kOpened))
      .Bind(2, static_cast<std::int64_t>(SessionEventKind::kEnded));
  for (;;) {
    StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    Key key{st->ColumnText(1), static_cast<std::uint64_t>(st->ColumnInt64(2))};
    if (st->ColumnInt64(3) == static_cast<std::int64_t>(SessionEventKind::kOpened)) {
      open_.emplace(std::move(key), st->ColumnInt64(0));
    } else {
      open_.erase(key);
    }
  }
  return Status::Ok();
}

void OpenSessionIndex::Apply(const Changes& changes) {
  for (const auto& [key, seq] : changes.changes_) {
    if (seq >= 0) {
      open_.emplace(key, seq);
    } else {
      open_.erase(key);
    }
  }
}

std::vector<OpenSessionIndex::Key> OpenSessionIndex::OpenedBefore(std::int64_t seq) const {
  std::vector<Key> out;
  for (const auto& [key, opened] : open_) {
    if (opened < seq) out.push_back(key);
  }
  return out;
}

}  // namespace routerd::storage
