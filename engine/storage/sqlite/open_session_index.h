// OpenSessionIndex: which sessions of a partition are open, with the stamp
// of the batch that wrote their opening. The writer keeps it as it writes
// openings and ends, so that pruning can keep the events of sessions still
// open (recovery needs them) without an index that every append would pay
// for.
//
// Changes made by a batch are staged and applied only after its commit: a
// batch that rolls back leaves the index as it was.
//
// Thread safety: the writer thread only.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/storage/sqlite/event_log.h"
#include "engine/storage/sqlite/sqlite_connection.h"
#include "routerd/status.h"

namespace routerd::storage {

class OpenSessionIndex {
 public:
  struct Key {
    std::string tenant_id;
    std::uint64_t session_id = 0;
    bool operator==(const Key&) const = default;
  };

  class Changes {
   public:
    void Opened(const std::string& tenant_id, std::uint64_t session_id, std::int64_t at_ms) {
      changes_.push_back({Key{tenant_id, session_id}, at_ms});
    }
    void Ended(const std::string& tenant_id, std::uint64_t session_id) {
      changes_.push_back({Key{tenant_id, session_id}, std::nullopt});
    }
    void clear() { changes_.clear(); }
    // For a record undone by its savepoint: forget what it staged.
    std::size_t size() const { return changes_.size(); }
    void truncate(std::size_t n) { changes_.resize(std::min(n, changes_.size())); }

   private:
    friend class OpenSessionIndex;
    std::vector<std::pair<Key, std::optional<std::int64_t>>> changes_;  // the opening's stamp; none for an end
  };

  // Replaces the index with what the partition's event log says.
  Status Load(SqliteConnection& conn);
  // Folds one logged event, stamped `at_ms`, into the index (Load does it for
  // every event in write order).
  void Add(std::int64_t at_ms, const LoggedEvent& event);
  void Apply(const Changes& changes);

  // The open sessions whose opening was stamped before `at_ms`.
  std::vector<Key> OpenedBefore(std::int64_t at_ms) const;
  std::size_t size() const { return open_.size(); }

 private:
  struct KeyHash {
    std::size_t operator()(const Key& k) const {
      return std::hash<std::string>()(k.tenant_id) * 31 + std::hash<std::uint64_t>()(k.session_id);
    }
  };
  std::unordered_map<Key, std::int64_t, KeyHash> open_;
};

}  // namespace routerd::storage
