// Leave-message statuses and the transitions between them, exactly as the product defines them:
//
//   to_be_allocated --allocate--------------------> unprocessed
//   to_be_allocated --allocation_failed-----------> allocation_failed
//   allocation_failed --allocate (by hand)--------> unprocessed
//   unprocessed --process-------------------------> processing
//   processing --submit (handling comments)-------> processed
//
// Anything else is refused with FailedPrecondition naming the current status
// (the REST layer answers 409). Pure functions: no storage here.
//
// Thread safety: stateless.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "routerd/status.h"

namespace routerd::leave {

enum class LeaveStatus : std::uint8_t { kToBeAllocated, kUnprocessed, kProcessing, kProcessed, kAllocationFailed };

// "to_be_allocated", "unprocessed", "processing", "processed", "allocation_failed":
// the stored and API spelling.
std::string_view LeaveStatusName(LeaveStatus status);
std::optional<LeaveStatus> ParseLeaveStatus(std::string_view name);

enum class LeaveAction : std::uint8_t { kAllocate, kAllocationFailed, kProcess, kSubmit };

// "allocate", "allocation_failed", "process", "submit".
std::string_view LeaveActionName(LeaveAction action);
LeaveStatus LeaveActionTarget(LeaveAction action);

// OK when `action` may be taken from `current`; otherwise FailedPrecondition
// whose message names the current status and the statuses the action needs.
Status CheckLeaveTransition(LeaveStatus current, LeaveAction action);

// Handling comments are required (not blank) and at most this many characters
// (Unicode code points of the UTF-8 text, not bytes).
inline constexpr std::size_t kMaxHandlingCommentChars = 2000;

// InvalidArgument naming the field when empty/blank, too long or not UTF-8.
Status ValidateHandlingComments(std::string_view comments);

}  // namespace routerd::leave
