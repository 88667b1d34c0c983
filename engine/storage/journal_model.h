// The journal's data model, shared by every backend: the kinds of session
// event rows, how a contact's attachments are kept in one text column, and the
// recovery rule that folds a partition's session events (in write order) into
// the sessions still open.
//
// Thread safety: SessionFold is thread-compatible; the rest is stateless.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/storage/storage_types.h"
#include "routerd/contact.h"
#include "routerd/status.h"

namespace routerd::storage {

// Session event kinds as stored (session_events.kind; on SQLite, the event
// log's kind for all but kTrace).
enum class SessionEventKind : std::int64_t {
  kOpened = 1,    // channel_kind, channel_id, customer_id, queue_id, arrival_ms; the first contact's key
  kContact = 2,   // the contact (channel_id, provider_message_id) joined the session
  kAssigned = 3,  // employee_id
  kRequeued = 4,  // queue_id ('' = unchanged)
  kEnded = 5,     // detail = reason
  kKept = 6,      // the contact is kept in a leave message (detail = its id), not pending
  // detail = the session's route trace (SessionTraceKept), read back by
  // LoadSessionTrace; recovery, the open-session index and pruning's
  // open-session rule never look at it. A partial index on kind = 7 serves the
  // read, so that the other kinds' appends pay nothing for it.
  kTrace = 7,
};

// Attachments in one text column: each field length-prefixed
// ("<bytes>:<value>"), five fields per attachment (type, reference, mime, size
// or empty, name); a backend stores NULL when there are none. One column
// instead of a row per attachment keeps an accepted contact one insert.
std::string EncodeAttachments(const std::vector<AttachmentRef>& attachments);
// The same, appended to `out` (for a caller that reuses one buffer).
void AppendAttachments(std::string& out, const std::vector<AttachmentRef>& attachments);
// DataLoss when `encoded` is not what EncodeAttachments writes.
StatusOr<std::vector<AttachmentRef>> DecodeAttachments(std::string_view encoded);

// One session_events row to write; the columns left null are NULL. Points
// into the event it comes from.
struct SessionEventWrite {
  SessionEventKind kind = SessionEventKind::kOpened;
  const std::string* tenant_id = nullptr;
  std::uint64_t session_id = 0;
  const Contact* contact = nullptr;         // channel_id and provider_message_id
  const std::string* channel_id = nullptr;  // when no contact
  const std::string* queue_id = nullptr;
  const std::string* employee_id = nullptr;
  const std::string* channel_kind = nullptr;
  const std::string* customer_id = nullptr;
  std::int64_t arrival_ms = 0;  // kOpened only
  const std::string* detail = nullptr;
};

// The rows the events are stored as, in order: an opening (with its first
// keyed contact), then one kContact row per further keyed contact; one row per
// assignment, requeue, end and kept trace; one kContact row per keyed contact
// added.
// Unkeyed contacts cannot be named and get no row. Stops at the first error
// `row` returns.
Status ForEachEventRow(std::span<const SessionEvent> events, const std::function<Status(const SessionEventWrite&)>& row);

// One session_events row as recovery reads it.
struct StoredSessionEvent {
  std::string tenant_id;
  std::uint64_t session_id = 0;
  SessionEventKind kind = SessionEventKind::kOpened;
  std::string channel_id;
  std::optional<std::string> provider_message_id;
  std::string queue_id;
  std::string employee_id;
  std::string channel_kind;
  std::string customer_id;
  std::int64_t arrival_ms = 0;
};

// Folds session events, fed in write order, into the sessions still open:
// the first opening of a session stands, events of a session that is not open
// are ignored, an end removes it. Also tracks each tenant's largest session id
// (open or ended). kKept and kTrace rows are skipped: they never open, change
// or end a session.
class SessionFold {
 public:
  struct OpenSession {
    RecoveredSession session;  // without contacts
    // (channel_id, provider_message_id) of the contacts routed into it, in order.
    std::vector<std::pair<std::string, std::string>> keys;
  };

  void Add(StoredSessionEvent&& row);
  // The open sessions, in no particular order; the fold is empty afterwards.
  std::vector<OpenSession> TakeOpen();
  std::map<std::string, std::uint64_t>& max_session_id() { return max_session_id_; }

 private:
  struct Key {
    std::string tenant_id;
    std::uint64_t session_id;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const;
  };
  std::unordered_map<Key, OpenSession, KeyHash> open_;
  std::map<std::string, std::uint64_t> max_session_id_;
};

// What one bounded prune pass deleted.
struct PrunePass {
  std::uint64_t contacts = 0;
  std::uint64_t session_events = 0;
  bool done = false;  // nothing past retention is left to delete
};

// The recovery order: oldest arrival first, then tenant, then session id.
void SortByArrival(std::vector<RecoveredSession>& sessions);

// Adds `part` (another partition's state) to `into`: sessions re-sorted by
// arrival, pending contacts appended, counts summed.
void MergeOpenState(OpenState& into, OpenState&& part);

}  // namespace routerd::storage
