// The values of leave-message management: a stored message with its parts and
// history, the query filters, who acts, a voice upload. Backend-independent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/leave/leave_message_status.h"
#include "routerd/contact.h"

namespace routerd::leave {

struct LeaveMessagePart {
  std::string provider_message_id;
  std::int64_t sent_at_ms = 0;
  std::string text;
};

struct LeaveMessageAttachment {
  std::size_t part = 0;  // index into parts
  AttachmentRef ref;
};

struct StoredLeaveMessage {
  std::int64_t id = 0;
  std::string tenant_id;
  std::string channel_kind;   // channel type: "voice", "web", "whatsapp", ...
  std::string channel_id;     // channel instance
  std::string customer_id;    // the contact number
  std::string display_name;
  std::string text;           // the messages' texts, one per line
  // Voice: "voice/<id>.<ext>" under the data directory (see AttachmentPath);
  // other channels: the first attachment's provider reference, or empty.
  std::string attachment_ref;
  std::string attachment_mime;
  std::string attachment_sha256;  // voice files only
  std::string skill_queue;
  std::string reason;             // queue_full | max_wait | idle_timeout | customer | voice
  LeaveStatus status = LeaveStatus::kToBeAllocated;
  std::optional<std::string> employee_id;       // of the allocated agent
  std::optional<std::string> business_account;  // of the allocated agent
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  std::optional<std::string> handling_comments;
  // Filled by Get() (and the completions), not by Query().
  std::vector<LeaveMessagePart> parts;
  std::vector<LeaveMessageAttachment> attachments;
};

struct LeaveHistoryEntry {
  std::int64_t seq = 0;
  std::int64_t at_ms = 0;
  std::string actor;
  // "create", "allocate", "allocation_failed", "process", "submit", "download".
  std::string action;
  std::optional<LeaveStatus> from;  // none for "create"
  LeaveStatus to = LeaveStatus::kToBeAllocated;
  std::string detail;
};

// Every field is a filter when set; all set filters must hold.
struct LeaveQuery {
  std::optional<std::int64_t> from_ms;  // created_at_ms >= from_ms
  std::optional<std::int64_t> to_ms;    // created_at_ms < to_ms
  std::string contact_number;           // exact customer id
  std::optional<LeaveStatus> status;
  std::string employee_id;
  std::string channel_kind;
  std::string skill_queue;
  // Default: 0, meaning 50. At most kMaxPageSize.
  std::size_t page_size = 0;
  // Empty for the first page; then LeavePage::next_cursor.
  std::string cursor;
  // Default: newest first (created time, then id). Automatic allocation wants oldest first.
  bool oldest_first = false;
};

struct LeavePage {
  std::vector<StoredLeaveMessage> items;
  std::string next_cursor;  // empty on the last page
  std::uint64_t total = 0;  // messages matching the filters, all pages
};

// Who acts. `id` goes to the history. When `own_employee_id` is set the actor
// is an agent acting for itself: process, submit and download are allowed only
// on messages allocated to that employee ID.
struct Actor {
  std::string id;
  std::string own_employee_id;
};

// A voice message posted by an IVR.
struct VoiceMessage {
  std::string tenant_id;
  std::string channel_id;      // the voice channel instance; may be empty
  std::string contact_number;  // REQUIRED
  std::string skill_queue;
  std::string audio;           // REQUIRED: the file's bytes
  std::string mime;            // e.g. "audio/wav"
  std::string file_name;       // as uploaded; gives the extension
  std::int64_t created_at_ms = 0;  // 0: now
};

struct LeaveStoreStats {
  std::uint64_t sink_stored = 0;   // leave messages from the router, committed
  std::uint64_t sink_refused = 0;  // refused by a full queue: lost
  std::uint64_t sink_failed = 0;   // failed to commit: lost
};

inline constexpr std::size_t kDefaultLeavePageSize = 50;
inline constexpr std::size_t kMaxLeavePageSize = 1000;

}  // namespace routerd::leave
