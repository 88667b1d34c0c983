// The event log: the session events a journal writer batch writes, kept as
// ONE row of event_log (schema 11), not a row each.
//
// Why. A row per event cost SQLite a record of a dozen columns per event,
// the most expensive statement left on the hot path once contacts went into
// the contact log; in the log, an event costs its share of one appended row.
// Nothing reads a single event on the hot path: recovery, the writer's
// open-session index and pruning decode whole rows in seq order.
//
// Kept route traces (SessionEventKind::kTrace) are not in the log: they stay
// rows of session_events, found by session through their partial index.
//
// Format of a row's `events` BLOB (never changed once written: a new layout
// is a new leading version byte), with row_codec.h's encodings:
//   version byte 1, then per event:
//     kind (varint, 1-6), tenant_id (string), session_id (varint),
//     a byte whose bits say which optional fields follow (bit 0 channel_id,
//     1 provider_message_id, 2 queue_id, 3 employee_id, 4 channel_kind,
//     5 customer_id, 6 detail), those fields as strings in that order, and
//     for an opening its arrival_ms (zigzag varint).
//   A field that is absent is what a NULL column was; an empty one is empty.
//
// Thread safety: EventLogBuilder is thread-compatible; the free functions run
// on their connection's thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "engine/storage/journal_model.h"
#include "engine/storage/sqlite/sqlite_connection.h"
#include "routerd/status.h"

namespace routerd::storage {

// One event as a row holds it; the views point into the row's bytes.
struct LoggedEvent {
  SessionEventKind kind = SessionEventKind::kOpened;
  std::string_view tenant_id;
  std::uint64_t session_id = 0;
  std::optional<std::string_view> channel_id;
  std::optional<std::string_view> provider_message_id;
  std::optional<std::string_view> queue_id;
  std::optional<std::string_view> employee_id;
  std::optional<std::string_view> channel_kind;
  std::optional<std::string_view> customer_id;
  std::optional<std::string_view> detail;
  std::int64_t arrival_ms = 0;  // kOpened only
};

// Builds the BLOB of one row.
class EventLogBuilder {
 public:
  // Where the builder stood: for a record that a savepoint undoes.
  struct Mark {
    std::size_t bytes = 0;
    std::size_t events = 0;
  };

  // REQUIRES: row.kind is not kTrace.
  void Add(const SessionEventWrite& row);
  void AddLogged(const LoggedEvent& event);

  bool empty() const { return events_ == 0; }
  std::size_t events() const { return events_; }
  std::string_view bytes() const { return bytes_; }
  Mark mark() const { return Mark{bytes_.size(), events_}; }
  void truncate(const Mark& mark);
  void clear();

 private:
  std::string bytes_;
  std::size_t events_ = 0;
};

// Calls `fn` for each event of a row, in order; stops at the first error
// `fn` returns. DataLoss when `bytes` is not what EventLogBuilder writes.
Status ForEachLoggedEvent(std::string_view bytes, const std::function<Status(const LoggedEvent&)>& fn);

// The event as recovery folds it (an absent text reads as empty).
StoredSessionEvent ToStoredEvent(const LoggedEvent& event);

// Writes `row` as event_log row `seq` stamped `at_ms`.
// REQUIRES: `row` not empty; a write transaction open.
Status AppendEventLogRow(SqliteConnection& conn, std::int64_t seq, std::int64_t at_ms, const EventLogBuilder& row);

// Calls `fn` for each logged event of the partition, in write order, with
// its row's stamp.
Status ForEachStoredEvent(SqliteConnection& conn,
                          const std::function<Status(std::int64_t at_ms, const LoggedEvent&)>& fn);

}  // namespace routerd::storage
