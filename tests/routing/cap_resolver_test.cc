#include "engine/routing/cap_resolver.h"

#include <gtest/gtest.h>

#include <vector>

namespace routerd::routing {
namespace {

// root(0) <- mid(1) <- leaf(2); sibling(3) under root.
std::vector<OuNode> FourOuTree() {
  return {{kNoOu, std::nullopt}, {0, std::nullopt}, {1, std::nullopt}, {0, std::nullopt}};
}

TEST(CapResolverTest, AgentSettingWins) {
  auto ous = FourOuTree();
  ous[2].cap = 4;
  EXPECT_EQ(ResolveCap(7, 2, ous, 5), (EffectiveCap{7, CapOrigin::kAgent, kNoOu}));
}

TEST(CapResolverTest, NearestOuUpTheTreeWins) {
  auto ous = FourOuTree();
  ous[0].cap = 9;
  ous[1].cap = 3;
  EXPECT_EQ(ResolveCap(std::nullopt, 2, ous, 5), (EffectiveCap{3, CapOrigin::kOu, 1}));
  ous[2].cap = 2;
  EXPECT_EQ(ResolveCap(std::nullopt, 2, ous, 5), (EffectiveCap{2, CapOrigin::kOu, 2}));
  EXPECT_EQ(ResolveCap(std::nullopt, 3, ous, 5), (EffectiveCap{9, CapOrigin::kOu, 0}));
}

TEST(CapResolverTest, TenantWhenNoLevelSetsOne) {
  auto ous = FourOuTree();
  EXPECT_EQ(ResolveCap(std::nullopt, 2, ous, 5), (EffectiveCap{5, CapOrigin::kTenant, kNoOu}));
  EXPECT_EQ(ResolveCap(std::nullopt, kNoOu, ous, 6), (EffectiveCap{6, CapOrigin::kTenant, kNoOu}));
}

}  // namespace
}  // namespace routerd::routing
