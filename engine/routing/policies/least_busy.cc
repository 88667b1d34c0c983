#include "engine/routing/policies/least_busy.h"

#include <algorithm>
#include <array>
#include <cassert>

#include "engine/config/config.h"

namespace routerd::routing {
namespace {

static_assert(kMaxRankedCap == static_cast<std::uint32_t>(config::kMaxCap));

constexpr std::size_t kFractions = kMaxRankedCap * (kMaxRankedCap + 1) / 2;  // a/b, 0 <= a < b

struct LoadLevels {
  // [cap * kMaxRankedCap + active], 0 <= active < cap <= kMaxRankedCap
  std::array<std::uint16_t, (kMaxRankedCap + 1) * kMaxRankedCap> level{};
  std::uint32_t count = 0;
};

// Built at compile time, so that ranking is a table lookup without a guard.
constexpr LoadLevels MakeLoadLevels() {
  struct Fraction {
    std::uint32_t active = 0, cap = 1;
  };
  std::array<Fraction, kFractions> all{};
  std::size_t n = 0;
  for (std::uint32_t cap = 1; cap <= kMaxRankedCap; ++cap) {
    for (std::uint32_t active = 0; active < cap; ++active) all[n++] = {active, cap};
  }
  // a/b < c/d  <=>  a*d < c*b (positive denominators).
  std::sort(all.begin(), all.end(),
            [](const Fraction& x, const Fraction& y) { return x.active * y.cap < y.active * x.cap; });
  LoadLevels levels;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i > 0 && all[i - 1].active * all[i].cap != all[i].active * all[i - 1].cap) ++levels.count;
    levels.level[all[i].cap * kMaxRankedCap + all[i].active] = static_cast<std::uint16_t>(levels.count);
  }
  ++levels.count;
  return levels;
}

constexpr LoadLevels kLevels = MakeLoadLevels();

}  // namespace

std::uint32_t LoadLevel(const AgentRankInput& agent) {
  assert(agent.active_sessions < agent.effective_cap && agent.effective_cap <= kMaxRankedCap);
  return kLevels.level[agent.effective_cap * kMaxRankedCap + agent.active_sessions];
}

std::uint32_t LoadLevelCount() { return kLevels.count; }

PolicyRank LeastBusyPolicy::Rank(const AgentRankInput& agent) const {
  return {LoadLevel(agent), static_cast<std::uint64_t>(agent.idle_since_ns)};
}

}  // namespace routerd::routing
