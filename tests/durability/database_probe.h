// DatabaseProbe: reads a data directory's journal files (routerd.db and
// routerd-<i>.db) the way an operator's sqlite3 shell would, on a read-only
// connection of its own, while the daemon runs (WAL lets a reader see the last
// commit without disturbing the writer) or after it died. The tests use it to
// check what was durably stored, independently of the daemon's own recovery
// code.
//
// The journal is append-only; for the tests' questions the probe folds it, at
// every call, into two temporary tables over all partitions:
//   contacts (tenant_id, channel_id, provider_message_id, customer_id, text,
//             session_id, leave_message_id): session_id from the events that
//             name the contact, leave_message_id from the kept events;
//   sessions (tenant_id, session_id, channel_id, customer_id, queue_id,
//             arrival_ms, employee_id, ended_at_ms, end_reason): each
//             session's fold (ended_at_ms is the ending event's seq).
// Count() runs its SQL against those.
//
// Also WaitUntil, the bounded poll every durability test waits with.
//
// Thread safety: one probe per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/storage/sqlite/sqlite_connection.h"
#include "routerd/status.h"

namespace routerd::durability {

struct ContactRow {
  std::string tenant_id;
  std::string channel_id;
  std::string provider_message_id;
  std::string customer_id;
  std::string text;
  std::optional<std::int64_t> session_id;
  std::optional<std::int64_t> leave_message_id;
};

struct SessionRow {
  std::string tenant_id;
  std::uint64_t session_id = 0;
  std::string channel_id;
  std::string customer_id;
  std::string queue_id;
  std::int64_t arrival_ms = 0;
  std::optional<std::string> employee_id;
  bool ended = false;
};

class DatabaseProbe {
 public:
  // Opens every journal file of `data_dir` read-only.
  static StatusOr<std::unique_ptr<DatabaseProbe>> Open(const std::string& data_dir);

  // The first column of the first row of `sql`, as an integer.
  StatusOr<std::int64_t> Count(std::string_view sql);
  // Count(sql), or `fallback` on an error (for assertions and messages).
  std::int64_t CountOr(std::string_view sql, std::int64_t fallback) {
    StatusOr<std::int64_t> n = Count(sql);
    return n.ok() ? *n : fallback;
  }
  // Every stored contact, in acceptance order.
  StatusOr<std::vector<ContactRow>> Contacts();
  // Every stored session (open or ended), oldest arrival first.
  StatusOr<std::vector<SessionRow>> Sessions();

 private:
  explicit DatabaseProbe(std::unique_ptr<storage::SqliteConnection> conn, int partitions)
      : conn_(std::move(conn)), partitions_(partitions) {}
  // Rebuilds the temporary tables from the files as they are now.
  Status Refresh();
  std::unique_ptr<storage::SqliteConnection> conn_;
  int partitions_;
};

// Calls `done` until it returns true, or `limit` passes (then false). The
// interval between calls only spares the CPU; nothing depends on it.
bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit = std::chrono::seconds(20));

}  // namespace routerd::durability
