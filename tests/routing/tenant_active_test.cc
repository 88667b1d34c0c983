// Cluster mode: a tenant another instance routes is inactive here; the
// Router ignores its ticks and contacts and refuses its commands until it is
// active again.
#include <gtest/gtest.h>

#include "tests/routing/cluster_harness.h"

namespace routerd::testing {
namespace {

using routing::AgentCommandType;
using routing::AgentState;
using routing::Router;
using routing::RoutingEvent;
using routing::RoutingEventType;

std::size_t EventsOf(const std::vector<RoutingEvent>& events, std::uint32_t tenant) {
  std::size_t n = 0;
  for (const RoutingEvent& e : events) n += e.tenant == tenant;
  return n;
}

TEST(TenantActiveTest, EveryTenantStartsActiveAndRoutes) {
  ClusterHarness h;
  EXPECT_TRUE(h.router().TenantActive(0));
  EXPECT_TRUE(h.router().TenantActive(1));
  h.SignInReady(0, "a1");
  h.Take();
  h.Contact(0, "web", "c1");
  auto events = h.Take();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, RoutingEventType::kAssigned);
}

TEST(TenantActiveTest, AnInactiveTenantIsSkippedByTheTick) {
  ClusterHarness h;
  for (std::uint32_t t : {0u, 1u}) h.Contact(t, "web", "c1");  // waits: no agent
  h.router().SetTenantActive(0, false);
  EXPECT_FALSE(h.router().TenantActive(0));
  EXPECT_TRUE(h.router().TenantActive(1));

  h.Advance(3600 * kSec);  // past max_wait of both queues and the idle timeout
  h.Tick();
  auto events = h.Take();
  EXPECT_EQ(EventsOf(events, 0), 0u);
  EXPECT_GT(EventsOf(events, 1), 0u);  // the active tenant's session timed out
  EXPECT_EQ(h.tenant(1).open_sessions(), 0u);
  EXPECT_EQ(h.tenant(0).open_sessions(), 1u);
  EXPECT_EQ(h.tenant(0).Queue(0).waiting, 1u);

  h.router().SetTenantActive(0, true);
  h.Tick();
  events = h.Take();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].tenant, 0u);
  EXPECT_EQ(events[0].type, RoutingEventType::kLeaveMessage);
  EXPECT_EQ(h.tenant(0).open_sessions(), 0u);
}

TEST(TenantActiveTest, AnInactiveTenantDropsContactsWithoutEvents) {
  ClusterHarness h(routing::TenantRouterOptions{200, true});  // with kSessionOpened
  for (std::uint32_t t : {0u, 1u}) h.SignInReady(t, "a1");
  h.Take();
  h.router().SetTenantActive(0, false);
  h.Contact(0, "web", "c1");
  h.Contact(0, "mail", "c2");
  EXPECT_TRUE(h.Take().empty());
  EXPECT_EQ(h.tenant(0).open_sessions(), 0u);
  EXPECT_EQ(h.tenant(0).Agent(h.Agent(0, "a1")).load(), 0u);

  h.Contact(1, "web", "c1");
  auto events = h.Take();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, RoutingEventType::kSessionOpened);
  EXPECT_EQ(events[1].type, RoutingEventType::kAssigned);
  EXPECT_EQ(events[1].tenant, 1u);
}

TEST(TenantActiveTest, AnInactiveTenantAnswersCommandsWithAnErrorAndAppliesNone) {
  ClusterHarness h;
  h.SignInReady(0, "a2");
  h.Take();
  h.router().SetTenantActive(0, false);

  auto sign_in = h.MakeCommand(0, AgentCommandType::kSignIn, "a1");
  h.router().OnCommand(sign_in, h.now());
  auto events = h.Take();
  ASSERT_EQ(events.size(), 1u);
  const RoutingEvent& e = events[0];
  EXPECT_EQ(e.type, RoutingEventType::kCommandResult);
  EXPECT_EQ(e.tenant, 0u);
  EXPECT_EQ(e.tenant_id, "t0");
  EXPECT_EQ(e.correlation, sign_in.correlation);
  EXPECT_EQ(e.result, StatusCode::kFailedPrecondition);
  EXPECT_EQ(e.error, "this instance does not route the tenant now");
  EXPECT_EQ(e.error, Router::kNotRoutedHere);
  EXPECT_EQ(e.employee_id, "a1");
  EXPECT_EQ(h.tenant(0).Agent(h.Agent(0, "a1")).state, AgentState::kSignedOut);

  // Without a correlation id: no reply, and still nothing applied.
  sign_in.correlation = 0;
  h.router().OnCommand(sign_in, h.now());
  auto sign_out = h.MakeCommand(0, AgentCommandType::kSignOut, "a2");
  sign_out.correlation = 0;
  h.router().OnCommand(sign_out, h.now());
  auto ou_cap = h.MakeCommand(0, AgentCommandType::kSetOuCap, "a1");
  ou_cap.target = h.tenant(0).FindOu("team").value();
  ou_cap.cap = 1;
  ou_cap.correlation = 0;
  h.router().OnCommand(ou_cap, h.now());
  EXPECT_TRUE(h.Take().empty());
  EXPECT_EQ(h.tenant(0).Agent(h.Agent(0, "a1")).state, AgentState::kSignedOut);
  EXPECT_EQ(h.tenant(0).Agent(h.Agent(0, "a1")).cap.cap, 2u);  // the OU's configured cap
  EXPECT_EQ(h.tenant(0).Agent(h.Agent(0, "a2")).state, AgentState::kReady);

  // The other tenant's commands are applied.
  EXPECT_EQ(h.Command(1, AgentCommandType::kSignIn, "a1"), StatusCode::kOk);
}

TEST(TenantActiveTest, ATenantTakenBackIsRestoredAndRoutesAgain) {
  ClusterHarness h;
  h.SignInReady(0, "a1");
  h.Contact(0, "web", "c1");
  h.Contact(0, "web", "c2");
  h.Contact(0, "web", "c3");  // waits: a1's cap is 2
  h.Take();

  // Lost: inactive and dropped. Regained: restored from storage, then active.
  h.router().SetTenantActive(0, false);
  h.router().ResetTenant(0);
  h.Advance(5 * kSec);
  routing::TenantRouter::RestoredSession waiting;
  waiting.id = SessionId(3, 2);
  waiting.channel = h.tenant(0).FindChannel("web").value();
  waiting.queue = h.tenant(0).FindQueue("q").value();
  waiting.arrival_ns = h.now() - 5 * kSec;
  auto c = std::make_shared<Contact>();
  c->tenant_id = "t0";
  c->channel_id = "web";
  c->customer_id = "c3";
  waiting.contacts.push_back(std::move(c));
  ASSERT_TRUE(h.tenant(0).Restore(waiting, h.now()).ok());
  h.tenant(0).FinishRestore(SessionId(3, 2));
  h.router().SetTenantActive(0, true);
  EXPECT_TRUE(h.Take().empty());

  h.SignInReady(0, "a1");
  auto events = h.Take();
  std::vector<std::uint64_t> assigned;
  for (const RoutingEvent& e : events) {
    if (e.type == RoutingEventType::kAssigned) assigned.push_back(e.session_id);
  }
  EXPECT_EQ(assigned, (std::vector<std::uint64_t>{SessionId(3, 2)}));
  h.Contact(0, "web", "c4");
  events = h.Take();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, RoutingEventType::kAssigned);
  EXPECT_EQ(events[0].session_id, SessionId(4, 0));
  h.Contact(0, "web", "c5");  // waits, and times out at the next tick
  h.Advance(3600 * kSec);
  h.Tick();
  EXPECT_GT(EventsOf(h.Take(), 0), 0u);
}

}  // namespace
}  // namespace routerd::testing
