#include "engine/storage/sqlite/open_session_index.h"

#include "engine/storage/sqlite/event_log.h"

namespace routerd::storage {

Status OpenSessionIndex::Load(SqliteConnection& conn) {
  open_.clear();
  return ForEachStoredEvent(conn, [this](std::int64_t at_ms, const LoggedEvent& e) {
    Add(at_ms, e);
    return Status::Ok();
  });
}

void OpenSessionIndex::Add(std::int64_t at_ms, const LoggedEvent& e) {
  if (e.kind == SessionEventKind::kOpened) {
    open_.emplace(Key{std::string(e.tenant_id), e.session_id}, at_ms);
  } else if (e.kind == SessionEventKind::kEnded) {
    open_.erase(Key{std::string(e.tenant_id), e.session_id});
  }
}

void OpenSessionIndex::Apply(const Changes& changes) {
  for (const auto& [key, opened_at_ms] : changes.changes_) {
    if (opened_at_ms.has_value()) {
      open_.emplace(key, *opened_at_ms);
    } else {
      open_.erase(key);
    }
  }
}

std::vector<OpenSessionIndex::Key> OpenSessionIndex::OpenedBefore(std::int64_t at_ms) const {
  std::vector<Key> out;
  for (const auto& [key, opened_at_ms] : open_) {
    if (opened_at_ms < at_ms) out.push_back(key);
  }
  return out;
}

}  // namespace routerd::storage
