#include "bench/loadgen/histogram.h"

#include <gtest/gtest.h>

namespace routerd::loadgen {
namespace {

using H = LatencyHistogram;

TEST(LatencyHistogramTest, ValuesBelow256HaveTheirOwnBucket) {
  for (std::uint64_t v : {0u, 1u, 127u, 128u, 255u}) {
    EXPECT_EQ(H::IndexOf(v), v);
    EXPECT_EQ(H::LowestEquivalent(H::IndexOf(v)), v);
    EXPECT_EQ(H::HighestEquivalent(H::IndexOf(v)), v);
  }
}

TEST(LatencyHistogramTest, BucketBoundariesDoubleInWidthPerPowerOfTwo) {
  // [256, 512): buckets of 2.
  EXPECT_EQ(H::IndexOf(256), 256u);
  EXPECT_EQ(H::IndexOf(257), 256u);
  EXPECT_EQ(H::IndexOf(258), 257u);
  EXPECT_EQ(H::IndexOf(511), 383u);
  EXPECT_EQ(H::LowestEquivalent(383), 510u);
  EXPECT_EQ(H::HighestEquivalent(383), 511u);
  // [512, 1024): buckets of 4.
  EXPECT_EQ(H::IndexOf(512), 384u);
  EXPECT_EQ(H::IndexOf(515), 384u);
  EXPECT_EQ(H::IndexOf(516), 385u);
  EXPECT_EQ(H::LowestEquivalent(384), 512u);
  EXPECT_EQ(H::HighestEquivalent(384), 515u);
  // 1 000 000 us: msb 19, shift 12, sub-bucket 244 -> [999424, 1003519].
  EXPECT_EQ(H::IndexOf(1'000'000), 12u * 128 + 244);
  EXPECT_EQ(H::LowestEquivalent(H::IndexOf(1'000'000)), 999'424u);
  EXPECT_EQ(H::HighestEquivalent(H::IndexOf(1'000'000)), 1'003'519u);
}

TEST(LatencyHistogramTest, EveryBucketIsContiguousWithTheNext) {
  for (std::size_t i = 0; i + 1 < H::kBucketCount; ++i) {
    ASSERT_EQ(H::HighestEquivalent(i) + 1, H::LowestEquivalent(i + 1)) << i;
    ASSERT_EQ(H::IndexOf(H::LowestEquivalent(i)), i);
    ASSERT_EQ(H::IndexOf(H::HighestEquivalent(i)), i);
  }
  EXPECT_EQ(H::HighestEquivalent(H::kBucketCount - 1), H::kMaxValue);
}

TEST(LatencyHistogramTest, RelativeErrorStaysBelowOneIn128) {
  for (std::size_t i = 256; i < H::kBucketCount; ++i) {
    const double width = static_cast<double>(H::HighestEquivalent(i) - H::LowestEquivalent(i) + 1);
    ASSERT_LE(width / static_cast<double>(H::LowestEquivalent(i)), 1.0 / 128) << i;
  }
}

TEST(LatencyHistogramTest, ValuesAboveTheRangeClampIntoTheTopBucketButKeepTheirMax) {
  H h;
  h.Record(H::kMaxValue * 4);
  EXPECT_EQ(h.CountAtIndex(H::kBucketCount - 1), 1u);
  EXPECT_EQ(h.max(), H::kMaxValue * 4);
  EXPECT_EQ(h.ValueAtPercentile(50), H::kMaxValue);
  EXPECT_EQ(h.ValueAtPercentile(100), H::kMaxValue * 4);
}

TEST(LatencyHistogramTest, PercentilesOfOneToOneHundred) {
  H h;
  for (std::uint64_t v = 1; v <= 100; ++v) h.Record(v);
  EXPECT_EQ(h.count(), 100u);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_EQ(h.max(), 100u);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
  EXPECT_EQ(h.ValueAtPercentile(0), 1u);
  EXPECT_EQ(h.ValueAtPercentile(50), 50u);
  EXPECT_EQ(h.ValueAtPercentile(50.5), 51u);  // rank ceil(50.5) = 51
  EXPECT_EQ(h.ValueAtPercentile(90), 90u);
  EXPECT_EQ(h.ValueAtPercentile(99), 99u);
  EXPECT_EQ(h.ValueAtPercentile(99.9), 100u);
  EXPECT_EQ(h.ValueAtPercentile(100), 100u);
}

TEST(LatencyHistogramTest, PercentileReportsTheBucketsHighestValueClampedToMax) {
  H h;
  h.RecordN(1000, 99);   // bucket [1000, 1003]
  h.Record(5000);        // bucket [4992, 5023]
  EXPECT_EQ(h.ValueAtPercentile(50), 1003u);
  EXPECT_EQ(h.ValueAtPercentile(99), 1003u);
  EXPECT_EQ(h.ValueAtPercentile(99.5), 5000u);  // 5023 clamped to the recorded max
  EXPECT_EQ(h.min(), 1000u);
}

TEST(LatencyHistogramTest, EmptyHistogramReportsZero) {
  H h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.ValueAtPercentile(99), 0u);
  EXPECT_TRUE(h.Distribution().empty());
}

TEST(LatencyHistogramTest, MergeEqualsRecordingEverythingInOne) {
  H a, b, all;
  for (std::uint64_t v = 0; v < 5000; v += 7) {
    a.Record(v);
    all.Record(v);
  }
  for (std::uint64_t v = 3; v < 900000; v += 1311) {
    b.Record(v);
    all.Record(v);
  }
  a.Merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_EQ(a.max(), all.max());
  EXPECT_DOUBLE_EQ(a.mean(), all.mean());
  for (std::size_t i = 0; i < H::kBucketCount; ++i) ASSERT_EQ(a.CountAtIndex(i), all.CountAtIndex(i)) << i;
  for (double p : {10.0, 50.0, 90.0, 99.0, 99.9}) EXPECT_EQ(a.ValueAtPercentile(p), all.ValueAtPercentile(p));
}

TEST(LatencyHistogramTest, DistributionIsCumulativePerNonEmptyBucket) {
  H h;
  h.RecordN(10, 2);
  h.Record(300);  // bucket [300, 301]
  h.Record(301);
  const auto d = h.Distribution();
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].value_us, 10u);
  EXPECT_EQ(d[0].total, 2u);
  EXPECT_DOUBLE_EQ(d[0].percentile, 50.0);
  EXPECT_EQ(d[1].value_us, 301u);
  EXPECT_EQ(d[1].total, 4u);
  EXPECT_DOUBLE_EQ(d[1].percentile, 100.0);
}

TEST(LatencyHistogramTest, ResetForgetsEverything) {
  H h;
  h.Record(42);
  h.Reset();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.CountAtIndex(42), 0u);
  EXPECT_EQ(h.max(), 0u);
}

}  // namespace
}  // namespace routerd::loadgen
