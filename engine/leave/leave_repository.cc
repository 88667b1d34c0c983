#include "engine/leave/leave_repository.h"

#include <future>
#include <memory>
#include <utility>

namespace routerd::leave {
namespace {

using Kind = LeaveTransition::Kind;

StatusOr<StoredLeaveMessage> Wait(const std::function<Status(LeaveRepository::Done)>& submit) {
  auto promise = std::make_shared<std::promise<StatusOr<StoredLeaveMessage>>>();
  std::future<StatusOr<StoredLeaveMessage>> result = promise->get_future();
  Status s = submit([promise](StatusOr<StoredLeaveMessage> r) { promise->set_value(std::move(r)); });
  if (!s.ok()) return s;
  return result.get();
}

LeaveTransition Transition(Kind kind, std::string tenant_id, std::int64_t id) {
  LeaveTransition t;
  t.kind = kind;
  t.tenant_id = std::move(tenant_id);
  t.id = id;
  return t;
}

}  // namespace

Status ValidateNewMessage(const LeaveMessage& message) {
  if (message.tenant_id.empty()) return Status::InvalidArgument("tenant_id: required");
  if (message.channel_kind.empty()) return Status::InvalidArgument("channel_kind: required");
  for (const ContactPtr& c : message.messages) {
    if (!c) return Status::InvalidArgument("messages: null contact");
  }
  return Status::Ok();
}

Status ValidateVoiceMessage(const VoiceMessage& voice, std::size_t max_voice_bytes) {
  if (voice.tenant_id.empty()) return Status::InvalidArgument("tenant_id: required");
  if (voice.contact_number.empty()) return Status::InvalidArgument("contact_number: required");
  if (voice.audio.empty()) return Status::InvalidArgument("audio: required, the file is empty");
  if (voice.audio.size() > max_voice_bytes) {
    return Status::InvalidArgument("audio: " + std::to_string(voice.audio.size()) + " bytes, at most " +
                                   std::to_string(max_voice_bytes) + " allowed");
  }
  return Status::Ok();
}

Status ValidateTransition(const LeaveTransition& t) {
  if (t.tenant_id.empty()) return Status::InvalidArgument("tenant_id: required");
  if (t.kind == Kind::kAllocate && t.employee_id.empty()) {
    return Status::InvalidArgument("employee_id: required to allocate");
  }
  if (t.kind == Kind::kSubmit) return ValidateHandlingComments(t.handling_comments);
  if (t.detail.size() > kMaxAuditDetailBytes) {
    return Status::InvalidArgument("detail: " + std::to_string(t.detail.size()) + " bytes, at most " +
                                   std::to_string(kMaxAuditDetailBytes) + " allowed");
  }
  return Status::Ok();
}

Status LeaveRepository::AllocateAsync(std::string tenant_id, std::int64_t id, std::string employee_id,
                                      std::string business_account, Actor actor, Done done) {
  LeaveTransition t = Transition(Kind::kAllocate, std::move(tenant_id), id);
  t.employee_id = std::move(employee_id);
  t.business_account = std::move(business_account);
  return TransitionAsync(std::move(t), std::move(actor), std::move(done));
}

Status LeaveRepository::MarkAllocationFailedAsync(std::string tenant_id, std::int64_t id, Actor actor, Done done) {
  return TransitionAsync(Transition(Kind::kAllocationFailed, std::move(tenant_id), id), std::move(actor),
                         std::move(done));
}

Status LeaveRepository::ProcessAsync(std::string tenant_id, std::int64_t id, Actor actor, Done done) {
  return TransitionAsync(Transition(Kind::kProcess, std::move(tenant_id), id), std::move(actor), std::move(done));
}

Status LeaveRepository::SubmitHandlingAsync(std::string tenant_id, std::int64_t id, std::string handling_comments,
                                            Actor actor, Done done) {
  LeaveTransition t = Transition(Kind::kSubmit, std::move(tenant_id), id);
  t.handling_comments = std::move(handling_comments);
  return TransitionAsync(std::move(t), std::move(actor), std::move(done));
}

Status LeaveRepository::RecordAuditAsync(std::string tenant_id, std::int64_t id, LeaveAudit audit, std::string detail,
                                         Actor actor, Done done) {
  LeaveTransition t = Transition(Kind::kAudit, std::move(tenant_id), id);
  t.audit = audit;
  t.detail = std::move(detail);
  return TransitionAsync(std::move(t), std::move(actor), std::move(done));
}

StatusOr<StoredLeaveMessage> LeaveRepository::Create(LeaveMessage message, Actor actor) {
  return Wait([&](Done d) { return CreateAsync(std::move(message), std::move(actor), std::move(d)); });
}

StatusOr<StoredLeaveMessage> LeaveRepository::CreateVoice(VoiceMessage voice, Actor actor) {
  return Wait([&](Done d) { return CreateVoiceAsync(std::move(voice), std::move(actor), std::move(d)); });
}

StatusOr<StoredLeaveMessage> LeaveRepository::Allocate(std::string tenant_id, std::int64_t id,
                                                       std::string employee_id, std::string business_account,
                                                       Actor actor) {
  return Wait([&](Done d) {
    return AllocateAsync(std::move(tenant_id), id, std::move(employee_id), std::move(business_account),
                         std::move(actor), std::move(d));
  });
}

StatusOr<StoredLeaveMessage> LeaveRepository::MarkAllocationFailed(std::string tenant_id, std::int64_t id,
                                                                   Actor actor) {
  return Wait(
      [&](Done d) { return MarkAllocationFailedAsync(std::move(tenant_id), id, std::move(actor), std::move(d)); });
}

StatusOr<StoredLeaveMessage> LeaveRepository::Process(std::string tenant_id, std::int64_t id, Actor actor) {
  return Wait([&](Done d) { return ProcessAsync(std::move(tenant_id), id, std::move(actor), std::move(d)); });
}

StatusOr<StoredLeaveMessage> LeaveRepository::SubmitHandling(std::string tenant_id, std::int64_t id,
                                                             std::string handling_comments, Actor actor) {
  return Wait([&](Done d) {
    return SubmitHandlingAsync(std::move(tenant_id), id, std::move(handling_comments), std::move(actor), std::move(d));
  });
}

StatusOr<StoredLeaveMessage> LeaveRepository::RecordAudit(std::string tenant_id, std::int64_t id, LeaveAudit audit,
                                                          std::string detail, Actor actor) {
  return Wait([&](Done d) {
    return RecordAuditAsync(std::move(tenant_id), id, audit, std::move(detail), std::move(actor), std::move(d));
  });
}

}  // namespace routerd::leave
