// The two bounded memories of a tenant router: ended sessions' route traces
// (a ring with a retention) and customers' last agents (a window and a bound).
#include <gtest/gtest.h>

#include "engine/routing/ended_traces.h"
#include "engine/routing/last_agents.h"

namespace routerd::routing {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

void AddEnded(EndedTraces& ring, std::uint64_t id, std::int64_t ended_ns) {
  EndedTrace* e = ring.Add(id);
  ASSERT_NE(e, nullptr);
  e->ended_ns = ended_ns;
  e->channel = static_cast<std::uint32_t>(id);
}

TEST(EndedTracesTest, TheRingKeepsTheNewestAndForgetsWhatItComesRoundTo) {
  EndedTraces ring(3, 100 * kSecond);
  for (std::uint64_t id = 1; id <= 4; ++id) AddEnded(ring, id, static_cast<std::int64_t>(id) * kSecond);
  EXPECT_EQ(ring.Find(1), nullptr) << "overwritten by the fourth";
  for (std::uint64_t id = 2; id <= 4; ++id) {
    ASSERT_NE(ring.Find(id), nullptr) << id;
    EXPECT_EQ(ring.Find(id)->channel, id);
  }
  EXPECT_EQ(ring.Find(0), nullptr) << "0 is no session";
}

TEST(EndedTracesTest, EntriesPastTheRetentionAreDroppedOldestFirst) {
  EndedTraces ring(4, 10 * kSecond);
  AddEnded(ring, 1, 0);
  AddEnded(ring, 2, 5 * kSecond);
  ring.Expire(10 * kSecond);
  EXPECT_EQ(ring.Find(1), nullptr);
  EXPECT_NE(ring.Find(2), nullptr);
  ring.Expire(15 * kSecond);
  EXPECT_TRUE(ring.empty());
  AddEnded(ring, 3, 20 * kSecond);
  EXPECT_NE(ring.Find(3), nullptr) << "the ring is written on after it emptied";
}

TEST(EndedTracesTest, ALimitOfZeroKeepsNothingAndClearForgetsAll) {
  EndedTraces none(0, kSecond);
  EXPECT_EQ(none.Add(1), nullptr);
  EndedTraces ring(2, kSecond);
  AddEnded(ring, 1, 0);
  ring.Clear();
  EXPECT_TRUE(ring.empty());
  EXPECT_EQ(ring.Find(1), nullptr);
  AddEnded(ring, 2, 0);
  EXPECT_NE(ring.Find(2), nullptr);
}

TEST(LastAgentsTest, TheLastAgentCountsWithinTheWindowAndALaterSessionRefreshesIt) {
  LastAgents last;
  last.Remember(7, 3, 0);
  EXPECT_EQ(last.Within(7, 10 * kSecond, 10 * kSecond), 3u);
  EXPECT_EQ(last.Within(7, 10 * kSecond, 11 * kSecond), std::nullopt);
  EXPECT_EQ(last.Within(8, 10 * kSecond, 0), std::nullopt);
  last.Remember(7, 4, 8 * kSecond);
  // Forgetting the first session keeps the later one of the same customer.
  last.Forget(5 * kSecond, 6 * kSecond);
  EXPECT_EQ(last.Within(7, 10 * kSecond, 9 * kSecond), 4u);
  last.Forget(5 * kSecond, 14 * kSecond);
  EXPECT_TRUE(last.empty());
  EXPECT_EQ(last.Within(7, 100 * kSecond, 14 * kSecond), std::nullopt);
}

TEST(LastAgentsTest, BeyondItsBoundTheOldestCustomerIsForgotten) {
  LastAgents last;
  for (std::uint64_t key = 0; key <= LastAgents::kMaxRemembered; ++key) last.Remember(key, 1, 0);
  EXPECT_EQ(last.Within(0, kSecond, 0), std::nullopt);
  EXPECT_EQ(last.Within(1, kSecond, 0), 1u);
  EXPECT_EQ(last.Within(LastAgents::kMaxRemembered, kSecond, 0), 1u);
  last.Clear();
  EXPECT_TRUE(last.empty());
}

}  // namespace
}  // namespace routerd::routing
