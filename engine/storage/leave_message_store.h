// LeaveMessageStore: durable leave-message management (seed 002, issue 5).
//
// Every change (create, allocate, allocation failed, process, submit, and the
// download audit) is a JournalWriter record: it is checked against the stored
// status on the writer thread inside the batch transaction, so two concurrent
// operations on one message cannot both pass, and its completion (the updated
// message, or the error) is delivered after the commit. Each change appends
// to the message's history: who, when, action, from status, to status.
// Reads (Get, History, Query) use pooled read connections and never wait for
// the writer.
//
// Tenancy: every call names the tenant; a message of another tenant is
// NotFound, exactly as one that does not exist.
//
// Errors: InvalidArgument (bad input, at the call), ResourceExhausted (journal
// queue full, at the call), NotFound, PermissionDenied (an agent acting on a
// message allocated to someone else), FailedPrecondition (a transition the
// current status does not allow; the message names the status: REST 409).
//
// Thread safety: all methods from any thread except the writer thread (the
// blocking methods wait for it). The *Async methods never block; when they
// return OK, `done` runs exactly once, on the writer thread, and must be quick.
// When they return an error, `done` is not called.
//
// Lifetime: records already submitted may complete after the store is
// destroyed (the sink's own bookkeeping survives that); the Database must
// outlive the JournalWriter, and both must outlive every read call.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/leave/leave_message_sink.h"
#include "engine/storage/database.h"
#include "engine/storage/journal_writer.h"
#include "engine/storage/leave_message_status.h"
#include "routerd/clock.h"
#include "routerd/status.h"

namespace routerd::storage {

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

struct LeaveMessageStoreOptions {
  // Default: 20 MiB. Larger voice files are refused (InvalidArgument).
  std::size_t max_voice_bytes = 20u << 20;
};

struct LeaveStoreStats {
  std::uint64_t sink_stored = 0;   // leave messages from the router, committed
  std::uint64_t sink_refused = 0;  // refused by a full journal queue: lost
  std::uint64_t sink_failed = 0;   // failed to commit: lost
};

class LeaveMessageStore final : public leave::LeaveMessageSink {
 public:
  static constexpr std::size_t kDefaultPageSize = 50;
  static constexpr std::size_t kMaxPageSize = 1000;

  using Done = std::function<void(StatusOr<StoredLeaveMessage>)>;

  // `db`, `writer` and `clock` must outlive the store.
  LeaveMessageStore(Database& db, JournalWriter& writer, const Clock& clock, LeaveMessageStoreOptions options = {});

  // routerd::leave::LeaveMessageSink. Never blocks: one journal record per
  // message, all queued or none; refusals and failures are counted (stats()).
  // The messages' contacts are marked as kept in the message (not pending
  // after a restart) and a still open session holding them is ended
  // ("leave_message").
  void Submit(std::vector<leave::LeaveMessage>&& batch) override;

  Status CreateAsync(leave::LeaveMessage message, Actor actor, Done done);
  // SHA-256 computed here; the file (voice/<id>.<ext>) is written durably by
  // the writer before the commit that records it.
  Status CreateVoiceAsync(VoiceMessage voice, Actor actor, Done done);
  // To be allocated or Allocation failed -> Unprocessed. employee_id REQUIRED.
  Status AllocateAsync(std::string tenant_id, std::int64_t id, std::string employee_id, std::string business_account,
                       Actor actor, Done done);
  // To be allocated -> Allocation failed (automatic allocation found no agent).
  Status MarkAllocationFailedAsync(std::string tenant_id, std::int64_t id, Actor actor, Done done);
  // Unprocessed -> Processing.
  Status ProcessAsync(std::string tenant_id, std::int64_t id, Actor actor, Done done);
  // Processing -> Processed, with handling comments (ValidateHandlingComments).
  Status SubmitHandlingAsync(std::string tenant_id, std::int64_t id, std::string handling_comments, Actor actor,
                             Done done);
  // Appends a "download" history entry (personal data audit); the status is
  // unchanged. Serve the attachment only after `done` reports OK.
  Status RecordDownloadAsync(std::string tenant_id, std::int64_t id, Actor actor, Done done);

  // Blocking forms: wait for the commit. REQUIRES: not on the writer thread.
  StatusOr<StoredLeaveMessage> Create(leave::LeaveMessage message, Actor actor);
  StatusOr<StoredLeaveMessage> CreateVoice(VoiceMessage voice, Actor actor);
  StatusOr<StoredLeaveMessage> Allocate(std::string tenant_id, std::int64_t id, std::string employee_id,
                                        std::string business_account, Actor actor);
  StatusOr<StoredLeaveMessage> MarkAllocationFailed(std::string tenant_id, std::int64_t id, Actor actor);
  StatusOr<StoredLeaveMessage> Process(std::string tenant_id, std::int64_t id, Actor actor);
  StatusOr<StoredLeaveMessage> SubmitHandling(std::string tenant_id, std::int64_t id, std::string handling_comments,
                                              Actor actor);
  StatusOr<StoredLeaveMessage> RecordDownload(std::string tenant_id, std::int64_t id, Actor actor);

  StatusOr<StoredLeaveMessage> Get(const std::string& tenant_id, std::int64_t id);
  StatusOr<std::vector<LeaveHistoryEntry>> History(const std::string& tenant_id, std::int64_t id);
  StatusOr<LeavePage> Query(const std::string& tenant_id, const LeaveQuery& query);

  // Absolute path of a voice attachment file; empty for provider references.
  std::string AttachmentPath(const StoredLeaveMessage& message) const;
  // The voice file's bytes, checked against the recorded SHA-256 (DataLoss
  // when missing or altered). FailedPrecondition when the message has no file.
  StatusOr<std::string> ReadVoiceAttachment(const StoredLeaveMessage& message) const;

  LeaveStoreStats stats() const;

 private:
  // Shared with the sink's records, which may complete after the store is gone.
  struct SinkCounters {
    std::atomic<std::uint64_t> stored{0}, refused{0}, failed{0};
  };

  Database& db_;
  JournalWriter& writer_;
  const Clock& clock_;
  const LeaveMessageStoreOptions options_;
  const std::shared_ptr<SinkCounters> sink_ = std::make_shared<SinkCounters>();
};

}  // namespace routerd::storage
