#include "engine/ingest/dedup_window.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

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


TEST(DedupWindowTest, KeysStayFindableAsTheRingsGrowAndReleasesLeaveGaps) {
  DedupWindow d(1'000'000, 1'000'000);
  for (int i = 0; i < 20000; ++i) {
    ASSERT_TRUE(d.TryReserve("ch", "m" + std::to_string(i), i));
    if (i % 3 == 0) d.Release("ch", "m" + std::to_string(i));
  }
  EXPECT_EQ(d.SizeApprox(), 20000u - 6667u);
  for (int i = 0; i < 20000; ++i) {
    const bool released = i % 3 == 0;
    EXPECT_EQ(d.TryReserve("ch", "m" + std::to_string(i), 20000), released) << i;
  }
  EXPECT_EQ(d.SizeApprox(), 20000u);
}

// Within the window and the count, the window answers as a map from key to
// expiry would: a model of that, driven by random operations on few keys.
TEST(DedupWindowTest, AnswersAsAMapOfKeyToExpiry) {
  const std::int64_t window = 50;
  DedupWindow d(window, 1'000'000);
  std::map<std::string, std::int64_t> model;
  std::mt19937 rng(7);
  std::int64_t now = 0;
  for (int step = 0; step < 200000; ++step) {
    now += static_cast<std::int64_t>(rng() % 3);
    const std::string channel = rng() % 2 ? "wa" : "w";
    const std::string id = "id" + std::to_string(rng() % 300);
    const std::string key = channel + "/" + id;
    if (rng() % 10 == 0) {
      d.Release(channel, id);
      model.erase(key);
      continue;
    }
    auto it = model.find(key);
    const bool expected = it == model.end() || it->second <= now;
    ASSERT_EQ(d.TryReserve(channel, id, now), expected) << "step " << step << " key " << key;
    if (expected) model[key] = now + window;
  }
}

TEST(DedupWindowTest, AKeyExpiredBehindANewerOneIsNewAgainAfterTheClockSteppedBack) {
  DedupWindow d(1000, 1000);
  EXPECT_TRUE(d.TryReserve("ch", "later", 5000));
  EXPECT_TRUE(d.TryReserve("ch", "earlier", 0));  // the clock stepped back
  EXPECT_TRUE(d.TryReserve("ch", "earlier", 2000)) << "its window has passed";
  EXPECT_FALSE(d.TryReserve("ch", "earlier", 2001));
  EXPECT_FALSE(d.TryReserve("ch", "later", 2001));
}

TEST(DedupWindowTest, AChannelIdIsNotAPrefixOfTheMessageId) {
  DedupWindow d(1000, 1000);
  EXPECT_TRUE(d.TryReserve("ab", "c", 0));
  EXPECT_TRUE(d.TryReserve("a", "bc", 0));
  EXPECT_TRUE(d.TryReserve("abc", "", 0)) << "no id: never a duplicate";
  EXPECT_FALSE(d.TryReserve("ab", "c", 1));
}

}  // namespace
}  // namespace routerd::ingest
