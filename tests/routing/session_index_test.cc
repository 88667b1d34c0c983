#include "engine/routing/session_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace routerd::routing {
namespace {

// Keys are (hash, slot); `matches` compares the slot against a side table so
// that equal hashes of different keys are told apart, as in the router.
TEST(SessionIndexTest, CollidingHashesAreToldApartByTheKey) {
  SessionIndex index(16);
  const std::uint64_t same = 5;  // every key lands on the same home bucket
  for (std::uint32_t slot = 0; slot < 6; ++slot) index.Insert(same, slot);
  for (std::uint32_t slot = 0; slot < 6; ++slot) {
    EXPECT_EQ(index.Find(same, [&](std::uint32_t s) { return s == slot; }), slot);
  }
  EXPECT_EQ(index.Find(same, [](std::uint32_t) { return false; }), SessionIndex::kAbsent);
}

TEST(SessionIndexTest, EraseKeepsLaterEntriesOfTheProbeRunReachable) {
  SessionIndex index(16);
  // Homes 14, 15, 14, 15 wrap around the end of the table.
  index.Insert(14, 1);
  index.Insert(15, 2);
  index.Insert(14, 3);
  index.Insert(15, 4);
  index.Erase(14, 1);
  EXPECT_EQ(index.Find(15, [](std::uint32_t s) { return s == 2; }), 2u);
  EXPECT_EQ(index.Find(14, [](std::uint32_t s) { return s == 3; }), 3u);
  EXPECT_EQ(index.Find(15, [](std::uint32_t s) { return s == 4; }), 4u);
  index.Erase(15, 2);
  EXPECT_EQ(index.Find(14, [](std::uint32_t s) { return s == 3; }), 3u);
  EXPECT_EQ(index.Find(15, [](std::uint32_t s) { return s == 4; }), 4u);
  EXPECT_EQ(index.size(), 2u);
}

TEST(SessionIndexTest, RandomChurnAgreesWithAMap) {
  SessionIndex index(16);
  std::map<std::uint32_t, std::uint64_t> live;  // slot -> hash
  std::mt19937_64 rng(42);
  std::uint32_t next_slot = 0;
  for (int step = 0; step < 200000; ++step) {
    if (live.size() < 50 || rng() % 2) {
      // Few distinct hashes force long, overlapping probe runs.
      const std::uint64_t h = rng() % 97;
      index.Insert(h, next_slot);
      live[next_slot++] = h;
    } else {
      auto it = live.begin();
      std::advance(it, rng() % live.size());
      index.Erase(it->second, it->first);
      live.erase(it);
    }
    if (step % 1000 == 0) {
      for (const auto& [slot, h] : live) {
        ASSERT_EQ(index.Find(h, [&](std::uint32_t s) { return s == slot; }), slot) << "step " << step;
      }
    }
  }
  EXPECT_EQ(index.size(), live.size());
}

}  // namespace
}  // namespace routerd::routing
