#include "bench/loadgen/options.h"

#include <gtest/gtest.h>

#include <random>

#include "bench/loadgen/handle_time.h"

namespace routerd::loadgen {
namespace {

StatusOr<LoadOptions> Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "routerd-loadgen");
  return ParseCommandLine(static_cast<int>(args.size()), args.data());
}

TEST(OptionsTest, OpenLoopWithEverything) {
  auto o = Parse({"--routerd-config", "c.toml", "--rate", "200", "--connections", "8", "--duration", "3",
                  "--warmup", "0.5", "--mix", "whatsapp=3,web=2", "--customers", "10", "--messages-per-session",
                  "4", "--duplicates", "0.05", "--receipts", "0.1", "--agents", "all", "--agent-token-template",
                  "agent-{employee_id}", "--handle-time", "uniform:2", "--json", "r.json", "--max-error-rate",
                  "0.01", "--run-id", "ff01", "--seed", "7", "--quiet"});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->rate, 200);
  EXPECT_EQ(o->closed, 0);
  EXPECT_EQ(o->connections, 8);
  EXPECT_EQ(o->duration_s, 3);
  EXPECT_EQ(o->warmup_s, 0.5);
  ASSERT_EQ(o->mix.size(), 2u);
  EXPECT_EQ(o->customers, 10u);
  EXPECT_EQ(o->messages_per_session, 4);
  EXPECT_EQ(o->duplicates, 0.05);
  EXPECT_EQ(o->receipts, 0.1);
  EXPECT_EQ(o->agents, -1);
  EXPECT_EQ(o->handle_time.kind(), HandleTime::Kind::kUniform);
  EXPECT_EQ(o->handle_time.mean_seconds(), 2);
  EXPECT_EQ(o->max_error_rate, 0.01);
  EXPECT_EQ(o->run_id, 0xff01u);
  EXPECT_EQ(o->seed, 7u);
  EXPECT_FALSE(o->progress);
}

TEST(OptionsTest, ExactlyOneLoopMode) {
  EXPECT_FALSE(Parse({"--routerd-config", "c"}).ok());
  EXPECT_FALSE(Parse({"--routerd-config", "c", "--rate", "1", "--closed", "2"}).ok());
  auto closed = Parse({"--routerd-config", "c", "--closed", "32"});
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->closed, 32);
}

TEST(OptionsTest, ErrorsNameTheOption) {
  auto no_config = Parse({"--rate", "1"});
  ASSERT_FALSE(no_config.ok());
  EXPECT_NE(no_config.status().message().find("--routerd-config"), std::string::npos);
  auto bad = Parse({"--routerd-config", "c", "--rate", "fast"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("--rate: 'fast'"), std::string::npos) << bad.status().message();
  EXPECT_FALSE(Parse({"--routerd-config", "c", "--rate", "1", "--duplicates", "1.5"}).ok());
  EXPECT_FALSE(Parse({"--routerd-config", "c", "--rate", "1", "--frob", "1"}).ok());
  EXPECT_FALSE(Parse({"--routerd-config", "c", "--rate"}).ok());
  EXPECT_FALSE(Parse({"--routerd-config", "c", "--rate", "1", "--handle-time", "normal:1"}).ok());
}

TEST(OptionsTest, EmitNeedsABoundedCount) {
  EXPECT_FALSE(Parse({"--routerd-config", "c", "--emit-requests", "f"}).ok());
  EXPECT_FALSE(Parse({"--routerd-config", "c", "--emit-requests", "f", "--count", "5000001"}).ok());
  auto ok = Parse({"--routerd-config", "c", "--emit-requests", "f", "--count", "1000"});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->emit_count, 1000u);
}

TEST(HandleTimeTest, ParseAndSample) {
  auto fixed = HandleTime::Parse("fixed:0.25");
  ASSERT_TRUE(fixed.ok());
  std::mt19937_64 rng(1);
  EXPECT_EQ(fixed->SampleUs(rng), 250000);
  EXPECT_EQ(fixed->ToString(), "fixed:0.25");
  EXPECT_EQ(HandleTime::Parse("exp:0")->SampleUs(rng), 0);
  EXPECT_FALSE(HandleTime::Parse("exp").ok());
  EXPECT_FALSE(HandleTime::Parse("exp:-1").ok());
  EXPECT_FALSE(HandleTime::Parse("gamma:1").ok());

  auto uniform = HandleTime::Parse("uniform:1");
  ASSERT_TRUE(uniform.ok());
  std::int64_t lo = INT64_MAX, hi = 0;
  double sum = 0;
  for (int i = 0; i < 100000; ++i) {
    const std::int64_t v = uniform->SampleUs(rng);
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    sum += static_cast<double>(v);
  }
  EXPECT_GE(lo, 0);
  EXPECT_LT(hi, 2'000'000);
  EXPECT_NEAR(sum / 100000, 1e6, 1e4);  // fixed seed: deterministic

  auto exp = HandleTime::Parse("exp:2");
  ASSERT_TRUE(exp.ok());
  sum = 0;
  int above_mean = 0;
  for (int i = 0; i < 100000; ++i) {
    const std::int64_t v = exp->SampleUs(rng);
    sum += static_cast<double>(v);
    above_mean += v > 2'000'000;
  }
  EXPECT_NEAR(sum / 100000, 2e6, 4e4);
  EXPECT_NEAR(above_mean / 100000.0, 0.3679, 0.01);  // P(X > mean) = 1/e for an exponential
}

}  // namespace
}  // namespace routerd::loadgen
