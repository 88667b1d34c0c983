#include "common/replay_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "common/rate_limiter.h"

namespace routerd::adapters {
namespace {

using Verdict = ReplayCache::Verdict;

TEST(ReplayCacheTest, AValueDeliversOneContentAndRepeatsPass) {
  ReplayCache cache(60'000, 100);
  EXPECT_EQ(cache.Check("token-1", "email A", 1000), Verdict::kNew);
  EXPECT_EQ(cache.Check("token-1", "email A", 2000), Verdict::kRepeat);
  EXPECT_EQ(cache.Check("token-1", "email B", 3000), Verdict::kConflict);
  EXPECT_EQ(cache.Check("token-2", "email B", 3000), Verdict::kNew);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(ReplayCacheTest, ValuesAreForgottenOnceExpired) {
  ReplayCache cache(60'000, 100);
  EXPECT_EQ(cache.Check("token-1", "A", 0), Verdict::kNew);
  EXPECT_EQ(cache.Check("token-1", "B", 59'999), Verdict::kConflict);
  // Past its lifetime the freshness check refuses the value anyway.
  EXPECT_EQ(cache.Check("token-2", "A", 60'000), Verdict::kNew);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.Check("token-1", "B", 60'001), Verdict::kNew);
}

TEST(ReplayCacheTest, FullOfLiveValuesRefusesNewOnesRatherThanForgetting) {
  ReplayCache cache(60'000, 3);
  for (const char* v : {"a", "b", "c"}) EXPECT_EQ(cache.Check(v, "x", 0), Verdict::kNew);
  EXPECT_EQ(cache.Check("d", "x", 10), Verdict::kFull);
  // What it holds still answers.
  EXPECT_EQ(cache.Check("a", "x", 10), Verdict::kRepeat);
  EXPECT_EQ(cache.Check("a", "y", 10), Verdict::kConflict);
  // Room comes back as values expire.
  EXPECT_EQ(cache.Check("d", "x", 60'000), Verdict::kNew);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(ReplayCacheTest, LongValuesCostTheSameAsShortOnes) {
  ReplayCache cache(60'000, 10);
  const std::string long_value(1 << 20, 'v');
  EXPECT_EQ(cache.Check(long_value, std::string(1 << 20, 'c'), 0), Verdict::kNew);
  EXPECT_EQ(cache.Check(long_value, std::string(1 << 20, 'c'), 0), Verdict::kRepeat);
  EXPECT_EQ(cache.Check(long_value.substr(1), "c", 0), Verdict::kNew);
}

TEST(ReplayCacheTest, ConcurrentDeliveriesOfOneValueGetOneNew) {
  ReplayCache cache(60'000, 100'000);
  std::atomic<int> news{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) {
        const Verdict v = cache.Check("shared-" + std::to_string(i), "content-" + std::to_string(t), 0);
        if (v == Verdict::kNew) news.fetch_add(1);
        if (v == Verdict::kConflict) conflicts.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(news.load(), 1000);
  EXPECT_EQ(conflicts.load(), 7000);
}

TEST(TokenBucketTest, BurstThenOnePerInterval) {
  TokenBucket bucket(2, 6);  // one every 10 s
  EXPECT_TRUE(bucket.TryTake(0));
  EXPECT_TRUE(bucket.TryTake(0));
  std::int64_t retry = 0;
  EXPECT_FALSE(bucket.TryTake(0, &retry));
  EXPECT_EQ(retry, 10);
  EXPECT_FALSE(bucket.TryTake(9'999, &retry));
  EXPECT_EQ(retry, 1);
  EXPECT_TRUE(bucket.TryTake(10'000));
  EXPECT_FALSE(bucket.TryTake(10'000));
  // Idle time refills up to the burst, no further.
  EXPECT_TRUE(bucket.TryTake(1'000'000));
  EXPECT_TRUE(bucket.TryTake(1'000'000));
  EXPECT_FALSE(bucket.TryTake(1'000'000));
  // A clock stepping back refills nothing.
  EXPECT_FALSE(bucket.TryTake(0));
}

}  // namespace
}  // namespace routerd::adapters
