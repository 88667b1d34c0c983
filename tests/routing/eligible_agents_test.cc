#include "engine/routing/eligible_agents.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <tuple>

#include "engine/routing/policies/least_busy.h"

namespace routerd::routing {
namespace {

// A reference: the ordered set the index must agree with.
struct Reference {
  struct Less {
    bool operator()(const AgentEntry& a, const AgentEntry& b) const {
      return AgentLess()(a, b) || (!AgentLess()(b, a) && a.member < b.member);
    }
  };
  std::set<AgentEntry, Less> ordered;
  std::map<std::uint32_t, AgentEntry> by_member;
  void Set(const AgentEntry& e) {
    Erase(e.member);
    ordered.insert(e);
    by_member[e.member] = e;
  }
  void Erase(std::uint32_t member) {
    auto it = by_member.find(member);
    if (it == by_member.end()) return;
    ordered.erase(it->second);
    by_member.erase(it);
  }
};

// Random churn in both layouts. Secondaries mostly grow, as least_busy's idle
// starts do (appends to a bucket's list), but some go back (the late heap),
// and equal ranks are common so that the ordinal decides.
void Churn(std::uint32_t primary_limit, std::uint32_t primaries, std::uint64_t seed) {
  constexpr std::uint32_t kMembers = 300;
  EligibleAgents index;
  index.Configure(kMembers, primary_limit);
  Reference ref;
  std::mt19937_64 rng(seed);
  std::uint64_t now = 1000;
  for (int step = 0; step < 200'000; ++step) {
    const std::uint32_t member = static_cast<std::uint32_t>(rng() % kMembers);
    const std::uint64_t op = rng() % 10;
    if (step % 50'000 == 49'999) {
      index.clear();
      ref = Reference();
    } else if (op < 2) {
      if (index.contains(member)) index.Erase(member);
      ref.Erase(member);
    } else {
      now += rng() % 3;
      const std::uint64_t secondary = op < 8 ? now : now - rng() % 200;
      // The ordinal is a fixed function of the member, as the agent's index is.
      ref.Set({{rng() % primaries, secondary}, member * 7 % kMembers, member});
      index.Set(ref.by_member[member]);
    }
    ASSERT_EQ(index.size(), ref.ordered.size()) << "step " << step;
    ASSERT_EQ(index.contains(member), ref.by_member.count(member) == 1);
    if (!ref.ordered.empty()) {
      ASSERT_EQ(index.top().member, ref.ordered.begin()->member) << "step " << step;
    }
  }
}

TEST(EligibleAgentsTest, HeapAgreesWithAnOrderedSet) { Churn(0, 5, 1); }
TEST(EligibleAgentsTest, BucketsAgreeWithAnOrderedSet) { Churn(5, 5, 2); }
TEST(EligibleAgentsTest, BucketsAcrossBitsetWordsAgreeWithAnOrderedSet) {
  Churn(EligibleAgents::kMaxPrimaryLimit, EligibleAgents::kMaxPrimaryLimit, 3);
}

TEST(EligibleAgentsTest, LoadLevelsFollowTheLoadFraction) {
  // Every pair of loads ranks as the exact fraction does, equal ones alike.
  for (std::uint32_t cap1 = 1; cap1 <= kMaxRankedCap; ++cap1) {
    for (std::uint32_t a1 = 0; a1 < cap1; ++a1) {
      const AgentRankInput x{a1, cap1, 0, 0, 0};
      ASSERT_LT(LoadLevel(x), LoadLevelCount());
      for (std::uint32_t cap2 = 1; cap2 <= kMaxRankedCap; ++cap2) {
        for (std::uint32_t a2 = 0; a2 < cap2; ++a2) {
          const AgentRankInput y{a2, cap2, 0, 0, 0};
          ASSERT_EQ(LoadLevel(x) < LoadLevel(y), LoadFraction(x) < LoadFraction(y)) << a1 << "/" << cap1;
          ASSERT_EQ(LoadLevel(x) == LoadLevel(y), a1 * cap2 == a2 * cap1) << a1 << "/" << cap1;
        }
      }
    }
  }
  EXPECT_LE(LoadLevelCount(), EligibleAgents::kMaxPrimaryLimit);
}

}  // namespace
}  // namespace routerd::routing
