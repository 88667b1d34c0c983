// OUs added, moved, re-capped and removed while the tenant works
// (TenantRouter::ApplyOus, RetireOus): every agent's cap resolves under the
// new tree at once, and an agent with room is offered what waits; a removed
// OU is no OU from then on and comes back in its old place without the cap
// it had at run time. A Reset (cluster mode) starts from all of it.
#include <gtest/gtest.h>

#include "tests/routing/router_harness.h"

namespace routerd::testing {
namespace {

using routing::CapOrigin;
using routing::RoutingEventType;
using Assignments = std::vector<std::pair<std::string, std::string>>;

// OUs "root" (cap 1) and "desk" under it (no cap of its own); a1 in "desk",
// serving q through channel ch. The tenant's cap is 5.
TenantBuilder RootAndDesk() {
  TenantBuilder b("t", 5);
  b.Ou("root", "", 1).Ou("desk", "root");
  b.Queue("q");
  b.Agent("a1", "desk", {"q"});
  b.Channel("ch", "q");
  return b;
}

config::OuConfig& OuOf(config::TenantConfig& t, const std::string& id) {
  for (config::OuConfig& ou : t.ous) {
    if (ou.id == id) return ou;
  }
  ADD_FAILURE() << "no OU " << id;
  return t.ous.front();
}

TEST(OuConfigTest, AnOuMovedUnderAnotherTakesItsCapAndItsAgentsServeUpToItAtOnce) {
  config::TenantConfig tenant = RootAndDesk().Build();
  RouterHarness h(tenant);
  routing::TenantRouter& r = h.router();
  h.SignInReady("a1");
  h.Contact("ch", "ana");
  h.Contact("ch", "bob");  // a1 is at root's cap of 1
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"ana", "a1"}}));

  // A new top-level OU with cap 3, and desk moved under it.
  config::OuConfig wide;
  wide.id = "wide";
  wide.max_concurrent_sessions = 3;
  tenant.ous.push_back(wide);
  OuOf(tenant, "desk").parent = "wide";
  r.ApplyOus(tenant, h.now());

  const auto a1 = r.Agent(h.AgentIndex("a1"));
  EXPECT_EQ(a1.cap.cap, 3u);
  EXPECT_EQ(a1.cap.origin, CapOrigin::kOu);
  const std::vector<routing::RoutingEvent> events = h.Take();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, RoutingEventType::kAgentState);
  EXPECT_EQ(events[0].effective_cap, 3u);
  EXPECT_EQ(events[0].cap_origin_ou, "wide");
  EXPECT_EQ(events[1].type, RoutingEventType::kAssigned);
  EXPECT_EQ(events[1].contact->customer_id, "bob");
  ASSERT_TRUE(r.FindOu("wide").has_value());
  EXPECT_EQ(*r.FindOu("wide"), 2u);
  EXPECT_EQ(r.ou_count(), 3u);

  // A cap of desk's own, from the definition, wins over the parent's.
  OuOf(tenant, "desk").max_concurrent_sessions = 2;
  r.ApplyOus(tenant, h.now());
  EXPECT_EQ(r.Agent(h.AgentIndex("a1")).cap.cap, 2u);
  EXPECT_EQ(r.OuCapSetting(*r.FindOu("desk")), 2u);
}

TEST(OuConfigTest, ACapSetAtRunTimeKeepsWinningOverTheDefinition) {
  config::TenantConfig tenant = RootAndDesk().Build();
  RouterHarness h(tenant);
  routing::TenantRouter& r = h.router();
  ASSERT_EQ(h.SetOuCap("root", 4), StatusCode::kOk);
  OuOf(tenant, "root").max_concurrent_sessions = 2;
  r.ApplyOus(tenant, h.now());
  EXPECT_EQ(r.OuCapSetting(*r.FindOu("root")), 4u);
  EXPECT_EQ(r.Agent(h.AgentIndex("a1")).cap.cap, 4u);
}

TEST(OuConfigTest, ARemovedOuIsNoOuAndComesBackInItsPlaceWithoutItsRunTimeCap) {
  config::TenantConfig tenant = RootAndDesk().Build();
  config::OuConfig spare;
  spare.id = "spare";
  spare.max_concurrent_sessions = 2;
  tenant.ous.push_back(spare);
  RouterHarness h(tenant);
  routing::TenantRouter& r = h.router();
  const std::uint32_t index = *r.FindOu("spare");
  ASSERT_EQ(h.SetOuCap("spare", 6), StatusCode::kOk);

  OuOf(tenant, "spare").retired = true;
  r.ApplyOus(tenant, h.now());
  EXPECT_TRUE(r.FindOu("spare").has_value()) << "retired only by RetireOus, after the agents move";
  r.RetireOus(tenant);
  EXPECT_FALSE(r.FindOu("spare").has_value());
  EXPECT_TRUE(r.OuRetired(index));
  routing::AgentCommand set_cap;
  set_cap.type = routing::AgentCommandType::kSetOuCap;
  set_cap.target = index;
  set_cap.cap = 3;
  set_cap.correlation = 1000;
  EXPECT_EQ(h.Run(set_cap), StatusCode::kNotFound);
  EXPECT_EQ(r.Agent(h.AgentIndex("a1")).cap.cap, 1u) << "other OUs unchanged";

  // Back, in its old place, with its definition's cap.
  OuOf(tenant, "spare") = spare;
  r.ApplyOus(tenant, h.now());
  EXPECT_EQ(r.FindOu("spare"), index);
  EXPECT_FALSE(r.OuRetired(index));
  EXPECT_EQ(r.OuCapSetting(index), 2u);
  EXPECT_EQ(r.ou_count(), 3u);
}

TEST(OuConfigTest, AnAgentMovedOutOfAnOuBeforeItIsRemovedResolvesUnderItsNewOu) {
  config::TenantConfig tenant = RootAndDesk().Build();
  RouterHarness h(tenant);
  routing::TenantRouter& r = h.router();
  config::OuConfig wide;
  wide.id = "wide";
  wide.max_concurrent_sessions = 3;
  tenant.ous.push_back(wide);
  OuOf(tenant, "desk").retired = true;
  config::AgentConfig a1 = tenant.agents[0];
  a1.ou = "wide";

  r.ApplyOus(tenant, h.now());
  r.ApplyAgentConfig(h.AgentIndex("a1"), a1, h.now());
  r.RetireOus(tenant);
  EXPECT_FALSE(r.FindOu("desk").has_value());
  EXPECT_EQ(r.Agent(h.AgentIndex("a1")).cap.cap, 3u);

  // A Reset (another instance routed the tenant) keeps the new tree.
  r.Reset();
  EXPECT_FALSE(r.FindOu("desk").has_value());
  EXPECT_EQ(r.Agent(h.AgentIndex("a1")).cap.cap, 3u);
}

}  // namespace
}  // namespace routerd::testing
