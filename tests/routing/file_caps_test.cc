// A reloaded configuration file's caps (TenantRouter::ApplyFileCaps): each
// level gets the file's cap unless one was set or cleared at run time, a
// higher cap serves waiting sessions at once, agents are told, caps per
// channel kind follow the file, and what the file adds or lacks is left alone.
#include <gtest/gtest.h>

#include "tests/routing/router_harness.h"

namespace routerd::testing {
namespace {

using routing::AgentCommandType;
using routing::CapOrigin;
using routing::RoutingEventType;

// Tenant cap 1; OU "desk" under "root"; agents a1 (desk) and a2 (root), one queue.
TenantBuilder TwoAgents(int tenant_cap = 1) {
  TenantBuilder b("t", tenant_cap);
  b.Ou("root").Ou("desk", "root");
  b.Queue("q");
  b.Agent("a1", "desk", {"q"});
  b.Agent("a2", "root", {"q"});
  b.Channel("chat", "q");
  return b;
}

TEST(FileCapsTest, TheFilesCapsApplyAtEveryLevelAndARaisedCapServesTheWaiting) {
  RouterHarness h(TwoAgents().Build());
  h.SignInReady("a1");
  h.Contact("chat", "c1");
  h.Contact("chat", "c2");  // a1 is at the tenant's cap of 1
  EXPECT_EQ(h.TakeAssignments().size(), 1u);
  EXPECT_EQ(h.router().Queue(0).waiting, 1u);

  TenantBuilder file = TwoAgents(3);
  config::TenantConfig next = file.Build();
  next.ous[1].max_concurrent_sessions = 2;    // desk
  next.agents[1].max_concurrent_sessions = 4;  // a2
  h.router().ApplyFileCaps(next, h.now());
  routing::TenantRouter& r = h.router();
  EXPECT_EQ(r.TenantCapSetting(), 3u);
  EXPECT_EQ(r.ConfiguredTenantCap(), 3u);
  EXPECT_EQ(r.OuCapSetting(*r.FindOu("desk")), 2u);
  const auto a1 = r.Agent(h.AgentIndex("a1"));
  EXPECT_EQ(a1.cap.cap, 2u);
  EXPECT_EQ(a1.cap.origin, CapOrigin::kOu);
  const auto a2 = r.Agent(h.AgentIndex("a2"));
  EXPECT_EQ(a2.cap.cap, 4u);
  EXPECT_EQ(a2.cap.origin, CapOrigin::kAgent);
  // a1 has room now: the waiting session is assigned, and both agents are told.
  EXPECT_EQ(h.TakeAssignments(), (std::vector<std::pair<std::string, std::string>>{{"c2", "a1"}}));
  EXPECT_EQ(r.Queue(0).waiting, 0u);
}

TEST(FileCapsTest, TheAgentsWhoseCapChangesAreToldAndALowerCapTakesNothingBack) {
  RouterHarness h(TwoAgents(3).Build());
  h.SignInReady("a1");
  h.SignInReady("a2");
  for (int i = 0; i < 4; ++i) h.Contact("chat", "c" + std::to_string(i));
  EXPECT_EQ(h.TakeAssignments().size(), 4u);
  h.Take();
  config::TenantConfig next = TwoAgents(3).Build();
  next.agents[0].max_concurrent_sessions = 1;  // a1 holds 2
  h.router().ApplyFileCaps(next, h.now());
  const auto told = h.Take(RoutingEventType::kAgentState);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].employee_id, "a1");
  EXPECT_EQ(told[0].effective_cap, 1u);
  const auto a1 = h.router().Agent(h.AgentIndex("a1"));
  EXPECT_EQ(a1.load(), 2u) << "a lower cap revokes no session";
  h.Contact("chat", "c9");
  EXPECT_EQ(h.TakeAssignments(), (std::vector<std::pair<std::string, std::string>>{{"c9", "a2"}}));
}

TEST(FileCapsTest, ACapSetOrClearedAtRunTimeKeepsWinningAndClearingGivesTheFilesBack) {
  TenantBuilder b = TwoAgents(2);
  RouterHarness h(b.Build());
  routing::TenantRouter& r = h.router();
  ASSERT_EQ(h.Command(AgentCommandType::kSetAgentCap, "a1", 5), StatusCode::kOk);
  ASSERT_EQ(h.Command(AgentCommandType::kSetAgentCap, "a2", std::nullopt), StatusCode::kOk);  // cleared
  ASSERT_EQ(h.SetOuCap("root", 6), StatusCode::kOk);
  ASSERT_EQ(h.SetTenantCap(7), StatusCode::kOk);

  config::TenantConfig next = TwoAgents(3).Build();
  next.agents[0].max_concurrent_sessions = 1;
  next.agents[1].max_concurrent_sessions = 1;
  next.ous[0].max_concurrent_sessions = 1;
  r.ApplyFileCaps(next, h.now());
  EXPECT_EQ(r.Agent(h.AgentIndex("a1")).own_cap, 5u);
  EXPECT_EQ(r.Agent(h.AgentIndex("a2")).own_cap, std::nullopt) << "cleared at run time: stays cleared";
  EXPECT_EQ(r.OuCapSetting(*r.FindOu("root")), 6u);
  EXPECT_EQ(r.TenantCapSetting(), 7u);
  EXPECT_EQ(r.ConfiguredTenantCap(), 3u);
  // A cleared tenant cap is the file's again: the reloaded file's.
  ASSERT_EQ(h.SetTenantCap(std::nullopt), StatusCode::kOk);
  EXPECT_EQ(r.TenantCapSetting(), 3u);
  // With the run-time tenant cap cleared, the next reload applies the file's.
  next.max_concurrent_sessions = 4;
  r.ApplyFileCaps(next, h.now());
  EXPECT_EQ(r.TenantCapSetting(), 4u);
}

TEST(FileCapsTest, CapsStoredBeforeTheStartCountAsRunTimeOnes) {
  TenantBuilder b = TwoAgents(2);
  config::TenantConfig started = b.Build();
  started.agents[0].max_concurrent_sessions = 5;  // as ApplyStoredCaps leaves it
  started.agents[0].runtime_cap = true;
  started.ous[0].max_concurrent_sessions = 6;
  started.ous[0].runtime_cap = true;
  started.runtime_max_concurrent_sessions = 7;
  RouterHarness h(started);
  routing::TenantRouter& r = h.router();
  config::TenantConfig next = TwoAgents(3).Build();
  next.agents[0].max_concurrent_sessions = 1;
  next.ous[0].max_concurrent_sessions = 1;
  r.ApplyFileCaps(next, h.now());
  EXPECT_EQ(r.Agent(h.AgentIndex("a1")).own_cap, 5u);
  EXPECT_EQ(r.OuCapSetting(*r.FindOu("root")), 6u);
  EXPECT_EQ(r.TenantCapSetting(), 7u);
  // Reset (another instance routed the tenant meanwhile) keeps them too.
  r.Reset();
  EXPECT_EQ(r.Agent(h.AgentIndex("a1")).own_cap, 5u);
  EXPECT_EQ(r.TenantCapSetting(), 7u);
}

TEST(FileCapsTest, ResetStartsFromTheReloadedFilesCaps) {
  RouterHarness h(TwoAgents(2).Build());
  config::TenantConfig next = TwoAgents(4).Build();
  next.agents[1].max_concurrent_sessions = 3;
  h.router().ApplyFileCaps(next, h.now());
  h.router().Reset();
  EXPECT_EQ(h.router().TenantCapSetting(), 4u);
  EXPECT_EQ(h.router().Agent(h.AgentIndex("a2")).own_cap, 3u);
}

TEST(FileCapsTest, CapsPerChannelKindFollowTheFile) {
  auto build = [](int email_cap) {
    TenantBuilder b("t", 2);
    b.PerChannelKind({{"email", email_cap, 0}});
    b.Ou("root");
    b.Queue("q");
    b.Agent("a1", "root", {"q"});
    b.Channel("mail", "q", "email").Channel("chat", "q", "web");
    return b;
  };
  RouterHarness h(build(1).Build());
  h.SignInReady("a1");
  h.Contact("mail", "m1");
  h.Contact("mail", "m2");  // email full at 1
  EXPECT_EQ(h.TakeAssignments().size(), 1u);
  TenantBuilder file = build(2);
  file.AgentKindCaps({{"web", 1, 0}});
  h.router().ApplyFileCaps(file.Build(), h.now());
  routing::TenantRouter& r = h.router();
  std::uint32_t email = 0, web = 0;
  for (std::uint32_t k = 0; k < r.kind_count(); ++k) (r.KindName(k) == "email" ? email : web) = k;
  EXPECT_EQ(r.TenantKindCap(email), 2u);
  EXPECT_EQ(r.AgentKindCap(h.AgentIndex("a1"), web), 1u);
  EXPECT_EQ(r.AgentKindCap(h.AgentIndex("a1"), email), std::nullopt);
  EXPECT_EQ(h.TakeAssignments(), (std::vector<std::pair<std::string, std::string>>{{"m2", "a1"}}));
  EXPECT_EQ(r.Agent(h.AgentIndex("a1")).kinds[web].cap.cap, 1u);

  // A file that changes the access mode leaves the caps per kind alone
  // (the mode itself waits for a restart).
  config::TenantConfig unified = build(2).Build();
  unified.multimedia_access_mode = config::AccessMode::kUnified;
  unified.kind_caps.clear();
  r.ApplyFileCaps(unified, h.now());
  EXPECT_EQ(r.TenantKindCap(email), 2u);
}

TEST(FileCapsTest, OusAndAgentsTheFileAddsOrLacksAreLeftAlone) {
  RouterHarness h(TwoAgents(2).Build());
  TenantBuilder b("t", 2);
  b.Ou("root").Ou("new-ou", "", 1);
  b.Queue("q");
  b.Agent("a2", "root", {"q"}, 3);
  b.Agent("a9", "root", {"q"}, 1);  // not running: a structural change
  b.Channel("chat", "q");
  h.router().ApplyFileCaps(b.Build(), h.now());
  routing::TenantRouter& r = h.router();
  EXPECT_FALSE(r.FindAgent("a9").has_value());
  EXPECT_EQ(r.Agent(h.AgentIndex("a2")).own_cap, 3u);
  EXPECT_EQ(r.Agent(h.AgentIndex("a1")).own_cap, std::nullopt);
  EXPECT_EQ(r.OuCapSetting(*r.FindOu("desk")), std::nullopt);
}

}  // namespace
}  // namespace routerd::testing
