#include "routerd/status.h"

#include <gtest/gtest.h>

namespace routerd {
namespace {

TEST(StatusTest, OkCarriesNoMessage) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, FailureKeepsCodeAndMessageThroughCopies) {
  Status s = Status::InvalidArgument("field 'x' is bad");
  Status copy = s;
  EXPECT_FALSE(copy.ok());
  EXPECT_EQ(copy.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(copy.ToString(), "InvalidArgument: field 'x' is bad");
  Status moved = std::move(copy);
  EXPECT_EQ(moved.message(), "field 'x' is bad");
}

TEST(StatusOrTest, HoldsValueOrError) {
  StatusOr<int> v = 7;
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 7);
  StatusOr<int> e = Status::NotFound("agent '9'");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kNotFound);
}

Status FailsWhenNegative(int x) {
  if (x < 0) return Status::InvalidArgument("negative");
  return Status::Ok();
}

Status Chain(int x) {
  ROUTERD_RETURN_IF_ERROR(FailsWhenNegative(x));
  return Status::AlreadyExists("reached the end");
}

TEST(StatusTest, ReturnIfErrorStopsAtTheFirstFailure) {
  EXPECT_EQ(Chain(-1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Chain(1).code(), StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace routerd
