#include "engine/leave/leave_message_status.h"

#include <gtest/gtest.h>

#include <string>

namespace routerd::leave {
namespace {

constexpr LeaveStatus kAll[] = {LeaveStatus::kToBeAllocated, LeaveStatus::kUnprocessed, LeaveStatus::kProcessing,
                                LeaveStatus::kProcessed, LeaveStatus::kAllocationFailed};
constexpr LeaveAction kActions[] = {LeaveAction::kAllocate, LeaveAction::kAllocationFailed, LeaveAction::kProcess,
                                    LeaveAction::kSubmit};

TEST(LeaveMessageStatusTest, NamesRoundTrip) {
  EXPECT_EQ(LeaveStatusName(LeaveStatus::kToBeAllocated), "to_be_allocated");
  EXPECT_EQ(LeaveStatusName(LeaveStatus::kUnprocessed), "unprocessed");
  EXPECT_EQ(LeaveStatusName(LeaveStatus::kProcessing), "processing");
  EXPECT_EQ(LeaveStatusName(LeaveStatus::kProcessed), "processed");
  EXPECT_EQ(LeaveStatusName(LeaveStatus::kAllocationFailed), "allocation_failed");
  for (LeaveStatus s : kAll) EXPECT_EQ(ParseLeaveStatus(LeaveStatusName(s)), s);
  EXPECT_EQ(ParseLeaveStatus("Processed"), std::nullopt);
  EXPECT_EQ(ParseLeaveStatus(""), std::nullopt);
}

TEST(LeaveMessageStatusTest, ExactlyTheSeedTransitionsAreAllowed) {
  struct Edge {
    LeaveStatus from;
    LeaveAction action;
    LeaveStatus to;
  };
  const Edge allowed[] = {
      {LeaveStatus::kToBeAllocated, LeaveAction::kAllocate, LeaveStatus::kUnprocessed},
      {LeaveStatus::kAllocationFailed, LeaveAction::kAllocate, LeaveStatus::kUnprocessed},
      {LeaveStatus::kToBeAllocated, LeaveAction::kAllocationFailed, LeaveStatus::kAllocationFailed},
      {LeaveStatus::kUnprocessed, LeaveAction::kProcess, LeaveStatus::kProcessing},
      {LeaveStatus::kProcessing, LeaveAction::kSubmit, LeaveStatus::kProcessed},
  };
  int allowed_count = 0, refused_count = 0;
  for (LeaveStatus from : kAll) {
    for (LeaveAction action : kActions) {
      bool expected = false;
      for (const Edge& e : allowed) {
        if (e.from == from && e.action == action) {
          expected = true;
          EXPECT_EQ(LeaveActionTarget(action), e.to);
        }
      }
      Status s = CheckLeaveTransition(from, action);
      if (expected) {
        EXPECT_TRUE(s.ok()) << LeaveActionName(action) << " from " << LeaveStatusName(from);
        ++allowed_count;
      } else {
        ASSERT_FALSE(s.ok()) << LeaveActionName(action) << " from " << LeaveStatusName(from);
        EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
        std::string current = "current status is \"" + std::string(LeaveStatusName(from)) + "\"";
        EXPECT_NE(s.message().find(current), std::string::npos) << s.message();
        ++refused_count;
      }
    }
  }
  EXPECT_EQ(allowed_count, 5);
  EXPECT_EQ(refused_count, 15);
}

TEST(LeaveMessageStatusTest, RefusalSaysWhatTheActionNeeds) {
  Status s = CheckLeaveTransition(LeaveStatus::kProcessed, LeaveAction::kAllocate);
  EXPECT_EQ(s.message(),
            "cannot allocate: the message's current status is \"processed\"; allocate needs \"to_be_allocated\" or "
            "\"allocation_failed\"");
  s = CheckLeaveTransition(LeaveStatus::kUnprocessed, LeaveAction::kSubmit);
  EXPECT_EQ(s.message(), "cannot submit: the message's current status is \"unprocessed\"; submit needs \"processing\"");
}

std::string Repeat(std::string_view unit, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += unit;
  return out;
}

TEST(LeaveMessageStatusTest, HandlingCommentsAreRequiredAndAtMost2000Characters) {
  EXPECT_EQ(ValidateHandlingComments("").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateHandlingComments(" \t\r\n ").code(), StatusCode::kInvalidArgument) << "blank counts as empty";
  EXPECT_TRUE(ValidateHandlingComments("Called back, resolved.").ok());
  EXPECT_TRUE(ValidateHandlingComments(Repeat("a", 2000)).ok());
  Status too_long = ValidateHandlingComments(Repeat("a", 2001));
  EXPECT_EQ(too_long.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(too_long.message(), "handling_comments: 2001 characters, at most 2000 allowed");
  // Characters, not bytes: 2000 three-byte characters are 6000 bytes and allowed.
  EXPECT_TRUE(ValidateHandlingComments(Repeat("留", 2000)).ok());
  EXPECT_EQ(ValidateHandlingComments(Repeat("留", 2001)).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(ValidateHandlingComments(Repeat("😀", 2000)).ok());
  Status bad = ValidateHandlingComments("ok \xff");
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.message(), "handling_comments: not valid UTF-8 at byte 3");
  EXPECT_EQ(ValidateHandlingComments("cut \xe7\x95").code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace routerd::leave
