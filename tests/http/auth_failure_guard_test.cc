// AuthFailureGuard on its own, with the time passed in: the budget, its
// refill, addresses kept apart (IPv6 by /64), and the bounded table.
#include "engine/http/auth_failure_guard.h"

#include <gtest/gtest.h>

#include <string>

namespace routerd::http {
namespace {

boost::asio::ip::address Ip(const std::string& text) { return boost::asio::ip::make_address(text); }

TEST(AuthFailureGuardTest, AnAddressIsRefusedOnceItsBurstIsUsedAndAgainAllowedAsItRefills) {
  AuthFailureGuard guard(AuthFailureBudget{3, 6, 1024});  // one failure back every 10 s
  const auto a = Ip("203.0.113.7");
  EXPECT_EQ(guard.Check(a, 0), 0);
  EXPECT_FALSE(guard.RecordFailure(a, 0));
  EXPECT_FALSE(guard.RecordFailure(a, 0));
  EXPECT_EQ(guard.Check(a, 0), 0);
  EXPECT_TRUE(guard.RecordFailure(a, 0)) << "the third failure uses the last token";
  EXPECT_EQ(guard.Check(a, 0), 10);
  EXPECT_EQ(guard.Check(a, 4'000), 6);
  EXPECT_EQ(guard.refusals(), 2u);
  EXPECT_EQ(guard.Check(a, 10'000), 0) << "one failure has come back";
  EXPECT_TRUE(guard.RecordFailure(a, 10'000));
  EXPECT_GT(guard.Check(a, 10'000), 0);
  EXPECT_EQ(guard.Check(a, 60'000), 0);
}

TEST(AuthFailureGuardTest, AddressesHaveTheirOwnBudgetsAndIpv6CountsPerSlash64) {
  AuthFailureGuard guard(AuthFailureBudget{1, 1, 1024});
  guard.RecordFailure(Ip("2001:db8:1:2::1"), 0);
  EXPECT_GT(guard.Check(Ip("2001:db8:1:2:ffff::9"), 0), 0) << "same /64";
  EXPECT_EQ(guard.Check(Ip("2001:db8:1:3::1"), 0), 0) << "another /64";
  guard.RecordFailure(Ip("198.51.100.1"), 0);
  EXPECT_GT(guard.Check(Ip("::ffff:198.51.100.1"), 0), 0) << "IPv4-mapped is the IPv4 address";
  EXPECT_EQ(guard.Check(Ip("198.51.100.2"), 0), 0);
}

TEST(AuthFailureGuardTest, OffAtBurstZeroAndLockFreeWhileNothingFailed) {
  AuthFailureGuard off(AuthFailureBudget{0, 10, 1024});
  for (int i = 0; i < 100; ++i) off.RecordFailure(Ip("192.0.2.1"), 0);
  EXPECT_EQ(off.Check(Ip("192.0.2.1"), 0), 0);
  EXPECT_EQ(off.tracked(), 0u);
  AuthFailureGuard on(AuthFailureBudget{});
  EXPECT_EQ(on.Check(Ip("192.0.2.1"), 0), 0);
  EXPECT_EQ(on.tracked(), 0u);
}

TEST(AuthFailureGuardTest, TheTableStaysBoundedAndForgetsRefilledAddressesFirst) {
  AuthFailureGuard guard(AuthFailureBudget{2, 60, 64});  // one back a second
  for (int i = 0; i < 10; ++i) guard.RecordFailure(Ip("192.0.2." + std::to_string(i)), 0);
  for (int i = 0; i < 54; ++i) guard.RecordFailure(Ip("10.0.0." + std::to_string(i)), 5'000);
  ASSERT_EQ(guard.tracked(), 64u);
  guard.RecordFailure(Ip("10.0.0.1"), 5'000);
  ASSERT_GT(guard.Check(Ip("10.0.0.1"), 5'000), 0);
  // Full: the ten refilled addresses make the room, the refused one stays refused.
  guard.RecordFailure(Ip("10.0.1.0"), 5'000);
  EXPECT_EQ(guard.tracked(), 55u);
  EXPECT_GT(guard.Check(Ip("10.0.0.1"), 5'000), 0);
  // With nothing refilled, room is made an eighth at a time; never more than the bound.
  for (int i = 0; i < 1000; ++i) {
    guard.RecordFailure(Ip("10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250)), 5'000);
    ASSERT_LE(guard.tracked(), 64u);
  }
}

}  // namespace
}  // namespace routerd::http
