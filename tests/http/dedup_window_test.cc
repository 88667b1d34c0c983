#include "engine/ingest/dedup_window.h"

#include <gtest/gtest.h>

namespace routerd::ingest {
namespace {

TEST(DedupWindowTest, SecondDeliveryWithinTheWindowIsADuplicate) {
  DedupWindow d(1000, 1000);
  EXPECT_TRUE(d.TryReserve("ch", "m1", 0));
  EXPECT_FALSE(d.TryReserve("ch", "m1", 500));
  EXPECT_TRUE(d.TryReserve("other", "m1", 500)) << "ids are per channel";
  EXPECT_TRUE(d.TryReserve("ch", "m1", 1000)) << "the window has passed";
}

TEST(DedupWindowTest, ReleasedReservationsCanBeTakenAgain) {
  DedupWindow d(1000, 1000);
  EXPECT_TRUE(d.TryReserve("ch", "m1", 0));
  d.Release("ch", "m1");
  EXPECT_TRUE(d.TryReserve("ch", "m1", 1));
  EXPECT_FALSE(d.TryReserve("ch", "m1", 2));
}

TEST(DedupWindowTest, BoundedByCountOldestFirst) {
  DedupWindow d(1'000'000, 1000);
  for (int i = 0; i < 100000; ++i) ASSERT_TRUE(d.TryReserve("ch", "m" + std::to_string(i), i));
  EXPECT_LE(d.SizeApprox(), 1000u + 64u);
  EXPECT_TRUE(d.TryReserve("ch", "m0", 100001)) << "the oldest was forgotten";
  EXPECT_FALSE(d.TryReserve("ch", "m99999", 100001)) << "the newest is remembered";
}

TEST(DedupWindowTest, DisabledWindowAcceptsEverything) {
  DedupWindow d(0, 1000);
  EXPECT_TRUE(d.TryReserve("ch", "m1", 0));
  EXPECT_TRUE(d.TryReserve("ch", "m1", 0));
}

}  // namespace
}  // namespace routerd::ingest
