// DatabaseProbe: reads what routerd stored the way an operator would, on a
// connection of its own and independently of the daemon's recovery code,
// while the daemon runs or after it died. The tests use it to check what was
// durably stored. There is one implementation per backend, chosen by the
// configuration routerd runs with (Open):
//   - SQLite (sqlite_database_probe.h): the data directory's journal files
//     (routerd.db and routerd-<i>.db), read-only;
//   - PostgreSQL (postgres_database_probe.h): the test's database, through
//     psql on the private test server.
// Both backends store the same tables with the same columns.
//
// The journal is append-only; for the tests' questions the probe folds it, at
// every call, into two relations over all partitions:
//   contacts (tenant_id, channel_id, provider_message_id, customer_id, text,
//             session_id, leave_message_id): session_id from the events that
//             name the contact, leave_message_id from the kept events;
//   sessions (tenant_id, session_id, channel_id, customer_id, queue_id,
//             arrival_ms, employee_id, ended_at_ms, end_reason): each
//             session's fold (ended_at_ms is the ending event's seq).
// Count() runs its SQL against those; write it in the SQL both backends
// understand (SELECT COUNT(*) ... WHERE ... = '...' AND ... IS NULL).
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

#include "routerd/status.h"
#include "tests/durability/durability_config.h"

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
  // The probe of the storage `config` names: its data directory's files for
  // SQLite, its database for PostgreSQL.
  static StatusOr<std::unique_ptr<DatabaseProbe>> Open(const DurabilityConfig& config);

  virtual ~DatabaseProbe() = default;

  // The first column of the first row of `sql`, as an integer.
  virtual StatusOr<std::int64_t> Count(std::string_view sql) = 0;
  // Every stored contact, in acceptance order.
  virtual StatusOr<std::vector<ContactRow>> Contacts() = 0;
  // Every stored session (open or ended), oldest arrival first.
  virtual StatusOr<std::vector<SessionRow>> Sessions() = 0;

  // Count(sql), or `fallback` on an error (for assertions and messages).
  std::int64_t CountOr(std::string_view sql, std::int64_t fallback) {
    StatusOr<std::int64_t> n = Count(sql);
    return n.ok() ? *n : fallback;
  }
};

// Calls `done` until it returns true, or `limit` passes (then false). The
// interval between calls only spares the CPU; nothing depends on it.
bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit = std::chrono::seconds(20));

}  // namespace routerd::durability
