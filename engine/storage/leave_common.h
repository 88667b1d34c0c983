// What storing leave messages means whatever the backend: how errors name a
// message, the voice upload's checksum and file name, a query's paging, and
// what a transition does to a stored message. Every backend calls these, so
// that they store the same values and answer with the same errors; the SQL
// stays in each backend.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/leave/leave_repository.h"
#include "routerd/status.h"

namespace routerd::storage {

// "leave message <id>": how every error names a message.
std::string LeaveMessageName(std::int64_t id);

// Lowercase hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

// A safe file extension: the uploaded name's ([a-z0-9]{1,8}), else one known
// for the MIME type, else "bin".
std::string AttachmentExtension(std::string_view file_name, std::string_view mime);

// A voice upload's audio, stored in the same write as the message.
struct VoiceFile {
  std::string audio;
  std::string sha256;     // Sha256Hex(audio)
  std::string extension;  // AttachmentExtension
  std::string mime;
};

// "voice/<id>.<extension>": a voice message's attachment_ref.
std::string VoiceAttachmentRef(std::int64_t id, std::string_view extension);

struct VoiceUpload {
  leave::LeaveMessage message;  // channel kind and reason "voice"
  VoiceFile file;
};
// Splits a voice upload (leave::ValidateVoiceMessage passed) into the message
// to store, created at `now_ms` unless the upload says when, and its file.
VoiceUpload SplitVoiceUpload(leave::VoiceMessage voice, std::int64_t now_ms);

// A new message's text (its contacts' texts that are not empty, one per line)
// and its first attachment (nullptr when none; points into `message`).
struct LeaveMessageSummary {
  std::string text;
  const AttachmentRef* first_attachment = nullptr;
};
LeaveMessageSummary SummarizeLeaveMessage(const leave::LeaveMessage& message);

// A query's page size (0 means kDefaultLeavePageSize) and where the page
// starts: after the message a cursor names, "<created_at_ms>:<id>".
struct LeavePageBounds {
  std::size_t page_size = leave::kDefaultLeavePageSize;
  bool after_cursor = false;
  std::int64_t cursor_created_at_ms = 0;
  std::int64_t cursor_id = 0;
};
// InvalidArgument for a page size above kMaxLeavePageSize, a time window that
// ends before it starts, or a cursor that no page returned.
StatusOr<LeavePageBounds> CheckLeaveQuery(const leave::LeaveQuery& query);
// The next page's cursor, after `last`, the last message of a full page.
std::string LeaveCursorAfter(const leave::StoredLeaveMessage& last);

// What a transition does to the message stored as `current`.
struct LeaveChange {
  std::string action;  // the history entry's action
  leave::LeaveStatus from = leave::LeaveStatus::kToBeAllocated;
  leave::LeaveStatus to = leave::LeaveStatus::kToBeAllocated;
  std::string detail;  // the history entry's detail
  // An audit entry: neither the status nor any other column changes.
  bool audit = false;
  // Set by the change (the others are kept): employee_id and business_account
  // by an allocation, handling_comments by a submit.
  std::optional<std::string> employee_id, business_account, handling_comments;
  // An audit entry of a call's outcome: the call, whose kCallRequested entry
  // (detail CallAuditDetail(call_id, ...)) the message must hold; the write
  // looks it up and refuses with CallNotRequested when there is none.
  std::optional<std::string> call_id;
};
// Decided inside the write, on the stored message. PermissionDenied when an
// agent acting for itself processes, submits or audits a message allocated to
// someone else; FailedPrecondition naming the message and its status for a
// transition that status does not allow; InvalidArgument for a call's outcome
// that names no call.
StatusOr<LeaveChange> PlanLeaveTransition(const leave::LeaveTransition& transition, const leave::Actor& actor,
                                          const leave::StoredLeaveMessage& current);
// NotFound: the message holds no kCallRequested entry of `call_id`.
Status CallNotRequested(std::int64_t id, std::string_view call_id);

}  // namespace routerd::storage
