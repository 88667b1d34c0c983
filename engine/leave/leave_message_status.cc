#include "engine/leave/leave_message_status.h"

#include <string>

namespace routerd::leave {
namespace {

std::string Quoted(LeaveStatus s) { return "\"" + std::string(LeaveStatusName(s)) + "\""; }

// The statuses an action may start from.
std::string AllowedFrom(LeaveAction action) {
  switch (action) {
    case LeaveAction::kAllocate:
      return Quoted(LeaveStatus::kToBeAllocated) + " or " + Quoted(LeaveStatus::kAllocationFailed);
    case LeaveAction::kAllocationFailed:
      return Quoted(LeaveStatus::kToBeAllocated);
    case LeaveAction::kProcess:
      return Quoted(LeaveStatus::kUnprocessed);
    case LeaveAction::kSubmit:
      return Quoted(LeaveStatus::kProcessing);
  }
  return {};
}

bool Allowed(LeaveStatus current, LeaveAction action) {
  switch (action) {
    case LeaveAction::kAllocate:
      return current == LeaveStatus::kToBeAllocated || current == LeaveStatus::kAllocationFailed;
    case LeaveAction::kAllocationFailed:
      return current == LeaveStatus::kToBeAllocated;
    case LeaveAction::kProcess:
      return current == LeaveStatus::kUnprocessed;
    case LeaveAction::kSubmit:
      return current == LeaveStatus::kProcessing;
  }
  return false;
}

}  // namespace

std::string_view LeaveStatusName(LeaveStatus status) {
  switch (status) {
    case LeaveStatus::kToBeAllocated:
      return "to_be_allocated";
    case LeaveStatus::kUnprocessed:
      return "unprocessed";
    case LeaveStatus::kProcessing:
      return "processing";
    case LeaveStatus::kProcessed:
      return "processed";
    case LeaveStatus::kAllocationFailed:
      return "allocation_failed";
  }
  return "unknown";
}

std::optional<LeaveStatus> ParseLeaveStatus(std::string_view name) {
  for (LeaveStatus s : {LeaveStatus::kToBeAllocated, LeaveStatus::kUnprocessed, LeaveStatus::kProcessing,
                        LeaveStatus::kProcessed, LeaveStatus::kAllocationFailed}) {
    if (LeaveStatusName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view LeaveActionName(LeaveAction action) {
  switch (action) {
    case LeaveAction::kAllocate:
      return "allocate";
    case LeaveAction::kAllocationFailed:
      return "allocation_failed";
    case LeaveAction::kProcess:
      return "process";
    case LeaveAction::kSubmit:
      return "submit";
  }
  return "unknown";
}

LeaveStatus LeaveActionTarget(LeaveAction action) {
  switch (action) {
    case LeaveAction::kAllocate:
      return LeaveStatus::kUnprocessed;
    case LeaveAction::kAllocationFailed:
      return LeaveStatus::kAllocationFailed;
    case LeaveAction::kProcess:
      return LeaveStatus::kProcessing;
    case LeaveAction::kSubmit:
      return LeaveStatus::kProcessed;
  }
  return LeaveStatus::kToBeAllocated;
}

Status CheckLeaveTransition(LeaveStatus current, LeaveAction action) {
  if (Allowed(current, action)) return Status::Ok();
  return Status::FailedPrecondition("cannot " + std::string(LeaveActionName(action)) +
                                    ": the message's current status is " + Quoted(current) + "; " +
                                    std::string(LeaveActionName(action)) + " needs " + AllowedFrom(action));
}

Status ValidateHandlingComments(std::string_view comments) {
  bool blank = true;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < comments.size();) {
    auto b = static_cast<unsigned char>(comments[i]);
    std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xe ? 3 : (b >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + len > comments.size()) {
      return Status::InvalidArgument("handling_comments: not valid UTF-8 at byte " + std::to_string(i));
    }
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(comments[i + k]) & 0xc0) != 0x80) {
        return Status::InvalidArgument("handling_comments: not valid UTF-8 at byte " + std::to_string(i + k));
      }
    }
    if (!(len == 1 && (b == ' ' || b == '\t' || b == '\n' || b == '\r'))) blank = false;
    ++chars;
    i += len;
  }
  if (blank) return Status::InvalidArgument("handling_comments: required, must not be empty");
  if (chars > kMaxHandlingCommentChars) {
    return Status::InvalidArgument("handling_comments: " + std::to_string(chars) + " characters, at most " +
                                   std::to_string(kMaxHandlingCommentChars) + " allowed");
  }
  return Status::Ok();
}

}  // namespace routerd::leave
