// Randomized model test: millions of random events drive TenantRouter and the
// plain ReferenceModel side by side; after every step the two must agree on
// every event, every command result and the whole state, and the router must
// keep its invariants. A failure prints the seed and the shortest event list
// that still reproduces it (delta debugging).
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstdio>
#include <optional>
#include <random>
#include <sstream>

#include "tests/routing/model_checker.h"
#include "tests/routing/model_steps.h"
#include "tests/routing/step_generator.h"

namespace routerd::testing {
namespace {

struct Failure {
  std::size_t step = 0;
  std::string what;
};

std::optional<Failure> Replay(const config::TenantConfig& tenant, const std::vector<Step>& steps, bool cap_bug) {
  Checker checker(tenant, cap_bug);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (auto err = checker.Apply(steps[i])) return Failure{i, *err};
  }
  return std::nullopt;
}

// Delta debugging: drop chunks of steps while the failure persists.
std::vector<Step> Shrink(const config::TenantConfig& tenant, std::vector<Step> steps, bool cap_bug) {
  for (std::size_t chunk = std::max<std::size_t>(1, steps.size() / 2); chunk >= 1; chunk /= 2) {
    bool removed = true;
    while (removed) {
      removed = false;
      for (std::size_t i = 0; i < steps.size();) {
        std::vector<Step> candidate;
        candidate.insert(candidate.end(), steps.begin(), steps.begin() + i);
        candidate.insert(candidate.end(), steps.begin() + std::min(steps.size(), i + chunk), steps.end());
        if (auto f = Replay(tenant, candidate, cap_bug)) {
          candidate.resize(f->step + 1);
          steps = std::move(candidate);
          removed = true;
        } else {
          i += chunk;
        }
      }
    }
    if (chunk == 1) break;
  }
  return steps;
}

struct RunResult {
  std::uint64_t seed;
  std::optional<Failure> failure;
  std::vector<Step> shortest;
  config::TenantConfig tenant;
  bool cap_bug = false;
};

RunResult RunOne(std::uint64_t seed, std::size_t steps, bool cap_bug, bool per_kind = false) {
  std::mt19937_64 config_rng(seed);
  RunResult result{seed, std::nullopt, {}, RandomTenant(config_rng, per_kind), cap_bug};
  StepGenerator gen(result.tenant, seed * 7919 + 1);
  // The generator reads a model of its own so that it never depends on the
  // checker's state (a shrunk replay must mean the same steps).
  const routing::PolicyRegistry* policies = [] {
    static routing::PolicyRegistry p;
    static bool once = routing::RegisterBuiltinPolicies(p).ok();
    (void)once;
    return &p;
  }();
  ReferenceModel shadow(result.tenant, *policies, cap_bug);
  std::vector<config::SkillQueueConfig> shadow_queues = result.tenant.skill_queues;
  Checker checker(result.tenant, cap_bug);
  std::vector<Step> history;
  std::int64_t now = 1000 * kSec;
  for (std::size_t i = 0; i < steps; ++i) {
    Step s = gen.Next(shadow);
    history.push_back(s);
    switch (s.kind) {
      case Step::Kind::kContact: shadow.OnContact(s.channel, s.customer, now); break;
      case Step::Kind::kAdvance: now += s.advance_ns; shadow.OnTick(now); break;
      // As the checker applies them: steps on removed agents do nothing.
      case Step::Kind::kChangeAgent:
        if (!shadow.agents()[s.target].retired) {
          shadow.ChangeAgent(s.target, s.ou, s.queues, SkillMap(s.skills), s.type, now);
        }
        break;
      case Step::Kind::kRetireAgent:
        if (!shadow.agents()[s.target].retired) shadow.RetireAgent(s.target, now);
        break;
      case Step::Kind::kChangeOu:
        shadow.ChangeOu(s.target, s.ou, s.cap, now);
        break;
      case Step::Kind::kAddAgent:
        shadow.AddAgent(s.employee, s.ou, s.queues, SkillMap(s.skills), s.type);
        break;
      case Step::Kind::kAddQueue: {
        // As the checker builds it (a step that does not fit was not generated).
        shadow_queues.push_back(QueueOfStep(s, shadow_queues));
        shadow.AddQueue(shadow_queues.back(), shadow_queues, *policies);
        break;
      }
      case Step::Kind::kCommand: {
        std::optional<ReferenceModel::Key> key;
        if (s.command == AgentCommandType::kCloseSession || s.command == AgentCommandType::kTransfer ||
            s.command == AgentCommandType::kSetPriority) {
          key = ReferenceModel::Key{s.channel, s.customer};
        }
        (void)shadow.OnCommand(s.command, s.target, s.cap, key, now, s.to_queue, s.to_agent, s.reason, s.wrap_index,
                               s.priority);
        break;
      }
    }
    shadow.events().clear();
    if (auto err = checker.Apply(s)) {
      result.failure = Failure{i, *err};
      result.shortest = Shrink(result.tenant, history, cap_bug);
      return result;
    }
  }
  return result;
}

std::string Report(const RunResult& r) {
  std::ostringstream o;
  o << "seed " << r.seed << ": step " << r.failure->step << ": " << r.failure->what << "\n"
    << "shortest reproduction (" << r.shortest.size() << " steps; rerun with ROUTERD_MODEL_SEED=" << r.seed << "):\n";
  for (const Step& s : r.shortest) o << "  " << s.ToString() << "\n";
  if (auto f = Replay(r.tenant, r.shortest, r.cap_bug)) o << "  -> " << f->what << "\n";
  return o.str();
}

TEST(RouterModelTest, MillionRandomEventsAgreeWithTheReferenceModel) {
  std::uint64_t first_seed = 1;
  std::size_t runs = 40;
  if (const char* s = std::getenv("ROUTERD_MODEL_SEED")) {
    first_seed = std::strtoull(s, nullptr, 10);
    runs = 1;
  }
  constexpr std::size_t kStepsPerRun = 25'000;  // 40 runs: 10^6 events
  std::size_t total = 0;
  for (std::size_t run = 0; run < runs; ++run) {
    RunResult r = RunOne(first_seed + run, kStepsPerRun, /*cap_bug=*/false);
    ASSERT_FALSE(r.failure.has_value()) << Report(r);
    total += kStepsPerRun;
  }
  if (runs > 1) {
    EXPECT_GE(total, 1'000'000u);
  }
  for (const auto& [what, n] : g_coverage.counts) std::printf("  %-28s %llu\n", what.c_str(), static_cast<unsigned long long>(n));
  // Each outcome must have happened, or the generator has stopped reaching it.
  for (const char* what : {"assigned at once", "assigned after waiting", "message to agent", "ended closed",
                           "ended transferred",
                           "ended idle_timeout", "ended requeued", "leave queue_full", "leave max_wait",
                           "leave idle_timeout", "command OK", "command NotFound", "command InvalidArgument",
                           "command FailedPrecondition", "after-contact work", "after-contact work expired",
                           "not ready with a reason", "priority set at run time", "waiting for a skilled agent",
                           "assigned by most_skilled", "waiting for a preferred agent",
                           "preference last_agent served", "preference last_agent expired",
                           "preference contact served", "preference contact unavailable",
                           "preference transfer served", "preference transfer expired", "agent changed",
                           "agent added", "agent retired", "OU added", "OU moved", "queue added under traffic"}) {
    EXPECT_GT(g_coverage.counts[what], 0u) << what;
  }
}

// Per-channel-kind access: the same rules with each kind against its own cap.
TEST(RouterModelTest, PerChannelKindAccessAgreesWithTheReferenceModel) {
  std::uint64_t first_seed = 1001;
  std::size_t runs = 16;
  if (const char* s = std::getenv("ROUTERD_MODEL_KIND_SEED")) {
    first_seed = std::strtoull(s, nullptr, 10);
    runs = 1;
  }
  g_coverage = Coverage{};
  for (std::size_t run = 0; run < runs; ++run) {
    RunResult r = RunOne(first_seed + run, 25'000, /*cap_bug=*/false, /*per_kind=*/true);
    ASSERT_FALSE(r.failure.has_value()) << Report(r) << "(rerun with ROUTERD_MODEL_KIND_SEED=" << r.seed << ")";
  }
  for (const char* what : {"assigned at once", "assigned after waiting", "ended closed", "ended transferred",
                           "leave queue_full", "command FailedPrecondition", "after-contact work expired",
                           "waiting for a preferred agent", "ready agent full in one kind"}) {
    EXPECT_GT(g_coverage.counts[what], 0u) << what;
  }
}

// The checker is only worth something if it can fail: a model that lets an
// agent take one session too many must be caught, and shrunk to a few steps.
TEST(RouterModelTest, CheckerCatchesACapBugAndShrinksIt) {
  RunResult r = RunOne(3, 20'000, /*cap_bug=*/true);
  ASSERT_TRUE(r.failure.has_value());
  EXPECT_LE(r.shortest.size(), 12u) << Report(r);
  std::printf("%s", Report(r).c_str());
  auto again = Replay(r.tenant, r.shortest, true);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->step + 1, r.shortest.size());
}

// The same for per-channel-kind access: one session over a kind's cap is caught.
TEST(RouterModelTest, CheckerCatchesAKindCapBug) {
  RunResult r = RunOne(1001, 20'000, /*cap_bug=*/true, /*per_kind=*/true);
  ASSERT_TRUE(r.failure.has_value());
  EXPECT_LE(r.shortest.size(), 12u) << Report(r);
}

}  // namespace
}  // namespace routerd::testing
