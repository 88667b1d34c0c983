// LeaveRepository: durable leave-message management, with its statuses,
// behind whatever storage backend the daemon runs on.
//
// Every change (create, allocate, allocation failed, process, submit, and the
// audit entries: play, download, call states) is checked against the stored status inside the write, so
// two concurrent operations on one message cannot both pass; its completion
// (the updated message, or the error) is delivered after the commit. Each
// change appends to the message's history: who, when, action, from status,
// to status. Reads never wait for the writers.
//
// Tenancy: every call names the tenant; a message of another tenant is
// NotFound, exactly as one that does not exist. Message ids are unique within
// a tenant.
//
// Errors: InvalidArgument (bad input, at the call), ResourceExhausted (queue
// full, at the call), NotFound, PermissionDenied (an agent acting on a message
// allocated to someone else), FailedPrecondition (a transition the current
// status does not allow; the message names the status: REST 409).
//
// Thread safety: all methods from any thread except a storage thread (the
// blocking forms wait for one). The *Async methods never block; when they
// return OK, `done` runs exactly once, on a storage thread, and must be quick.
// When they return an error, `done` is not called.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/leave/leave_audit.h"
#include "engine/leave/leave_message_sink.h"
#include "engine/leave/leave_types.h"
#include "routerd/status.h"

namespace routerd::leave {

// A change of status (or an audit entry, which keeps the status) asked of a
// stored message.
struct LeaveTransition {
  enum class Kind : std::uint8_t { kAllocate, kAllocationFailed, kProcess, kSubmit, kAudit };
  Kind kind = Kind::kAllocate;
  std::string tenant_id;
  std::int64_t id = 0;
  std::string employee_id;       // kAllocate: REQUIRED
  std::string business_account;  // kAllocate
  std::string handling_comments; // kSubmit: ValidateHandlingComments
  LeaveAudit audit = LeaveAudit::kDownload;  // kAudit
  // kAudit, kProcess: the history entry's detail, at most kMaxAuditDetailBytes
  // (kProcess: e.g. that an administrator acted for the agent).
  std::string detail;
};

// The checks every backend makes before it queues a change: InvalidArgument
// naming the field.
Status ValidateNewMessage(const LeaveMessage& message);
Status ValidateVoiceMessage(const VoiceMessage& voice, std::size_t max_voice_bytes);
Status ValidateTransition(const LeaveTransition& transition);

class LeaveRepository : public LeaveMessageSink {
 public:
  using Done = std::function<void(StatusOr<StoredLeaveMessage>)>;

  // LeaveMessageSink::Submit (router overflow): never blocks; one write per
  // message, all queued or none; refusals and failures are counted (stats()).
  // The messages' contacts are marked as kept in the message (not pending
  // after a restart) and the session that became the message is ended.

  virtual Status CreateAsync(LeaveMessage message, Actor actor, Done done) = 0;
  // The SHA-256 is computed here; the audio is stored durably before the
  // commit that records it.
  virtual Status CreateVoiceAsync(VoiceMessage voice, Actor actor, Done done) = 0;
  virtual Status TransitionAsync(LeaveTransition transition, Actor actor, Done done) = 0;

  virtual StatusOr<StoredLeaveMessage> Get(const std::string& tenant_id, std::int64_t id) = 0;
  virtual StatusOr<std::vector<LeaveHistoryEntry>> History(const std::string& tenant_id, std::int64_t id) = 0;
  virtual StatusOr<LeavePage> Query(const std::string& tenant_id, const LeaveQuery& query) = 0;
  // The voice file's bytes, checked against the recorded SHA-256: NotFound
  // when the file is missing, DataLoss when it was altered. FailedPrecondition
  // when the message has no file.
  virtual StatusOr<std::string> ReadVoiceAttachment(const StoredLeaveMessage& message) const = 0;

  virtual LeaveStoreStats stats() const = 0;

  // The transitions by name (TransitionAsync underneath).
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
  // Appends an audit history entry (LeaveAuditName(audit), `detail`); the
  // status is unchanged. Personal data (play, download) is served only after
  // `done` reports OK. An agent acting for itself (Actor::own_employee_id)
  // may audit only messages allocated to it.
  Status RecordAuditAsync(std::string tenant_id, std::int64_t id, LeaveAudit audit, std::string detail, Actor actor,
                          Done done);

  // Blocking forms: wait for the commit. REQUIRES: not on a storage thread.
  StatusOr<StoredLeaveMessage> Create(LeaveMessage message, Actor actor);
  StatusOr<StoredLeaveMessage> CreateVoice(VoiceMessage voice, Actor actor);
  StatusOr<StoredLeaveMessage> Allocate(std::string tenant_id, std::int64_t id, std::string employee_id,
                                        std::string business_account, Actor actor);
  StatusOr<StoredLeaveMessage> MarkAllocationFailed(std::string tenant_id, std::int64_t id, Actor actor);
  StatusOr<StoredLeaveMessage> Process(std::string tenant_id, std::int64_t id, Actor actor);
  StatusOr<StoredLeaveMessage> SubmitHandling(std::string tenant_id, std::int64_t id, std::string handling_comments,
                                              Actor actor);
  StatusOr<StoredLeaveMessage> RecordAudit(std::string tenant_id, std::int64_t id, LeaveAudit audit, std::string detail,
                                           Actor actor);
};

}  // namespace routerd::leave
