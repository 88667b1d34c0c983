// Preferred agents: a returning customer's last agent (sticky_seconds), an
// agent the contact names, an agent a transfer names. The session goes to it
// at once if it may take it, waits for it up to sticky_wait_seconds if it is
// signed in, and otherwise (or then) goes to any agent; the route says which.
#include <gtest/gtest.h>

#include "engine/routing/tenant_router.h"
#include "tests/routing/router_harness.h"

namespace routerd::testing {
namespace {

using routing::AgentCommandType;
using Outcome = routing::PreferenceOutcome;
using Source = routing::PreferenceSource;
using Assignments = std::vector<std::pair<std::string, std::string>>;

// Round robin over c1, c2 (cap 1 each): without stickiness a returning
// customer goes to the other agent.
config::TenantConfig StickyTenant(int sticky_seconds, int wait_seconds) {
  return TenantBuilder("t", 1)
      .Ou("ou")
      .Queue("q", "round_robin", 3600)
      .Sticky(sticky_seconds, wait_seconds)
      .Queue("other", "least_busy", 3600)
      .Agent("c1", "ou", {"q", "other"})
      .Agent("c2", "ou", {"q", "other"})
      .Agent("c3", "ou", {"other"})
      .Channel("web", "q")
      .Build();
}

routing::SessionView View(RouterHarness& h, const std::string& agent) {
  return *h.router().Session(h.SessionOf(agent));
}

TEST(PreferenceTest, WithoutStickinessAReturningCustomerGoesToTheNextAgent) {
  RouterHarness h(StickyTenant(0, 30));
  h.SignInReady("c1");
  h.SignInReady("c2");
  h.Contact("web", "ana");
  ASSERT_EQ(h.TakeAssignments(), (Assignments{{"ana", "c1"}}));
  ASSERT_EQ(h.Close("c1", h.SessionOf("c1")), StatusCode::kOk);
  h.Contact("web", "ana");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"ana", "c2"}}));
}

TEST(PreferenceTest, AReturningCustomerGoesBackToItsLastAgent) {
  RouterHarness h(StickyTenant(600, 30));
  h.SignInReady("c1");
  h.SignInReady("c2");
  h.Contact("web", "ana");
  ASSERT_EQ(h.TakeAssignments(), (Assignments{{"ana", "c1"}}));
  ASSERT_EQ(h.Close("c1", h.SessionOf("c1")), StatusCode::kOk);
  h.Advance(60 * kSecond);
  h.Contact("web", "ana");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"ana", "c1"}}));
  const auto v = View(h, "c1");
  EXPECT_EQ(v.trace->preference, Source::kLastAgent);
  EXPECT_EQ(v.trace->preference_outcome, Outcome::kServed);
}

TEST(PreferenceTest, AfterTheWindowTheCustomerIsAnyonesAgain) {
  RouterHarness h(StickyTenant(600, 30));
  h.SignInReady("c1");
  h.SignInReady("c2");
  h.Contact("web", "ana");
  ASSERT_EQ(h.Close("c1", h.SessionOf("c1")), StatusCode::kOk);
  h.Take();
  h.Advance(601 * kSecond);
  h.Tick();
  h.Contact("web", "ana");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"ana", "c2"}}));
  EXPECT_EQ(View(h, "c2").trace->preference, Source::kNone);
}

TEST(PreferenceTest, ABusyLastAgentIsWaitedForThenAnyAgentTakesIt) {
  RouterHarness h(StickyTenant(600, 30));
  h.SignInReady("c1");
  h.SignInReady("c2");
  h.Contact("web", "ana");
  ASSERT_EQ(h.Close("c1", h.SessionOf("c1")), StatusCode::kOk);
  h.Contact("web", "bob");  // round robin: c2, never served from q, takes bob
  h.Contact("web", "cy");   // c1 takes cy: now both are full
  h.Take();
  h.Contact("web", "ana");
  // c1 is full: ana waits for it, reserved, not for c2.
  auto stats = h.router().Queue(0);
  EXPECT_EQ(stats.waiting, 1u);
  EXPECT_EQ(stats.reserved, 1u);
  EXPECT_TRUE(h.router().WaitingInOrder(0).empty());
  // c2 frees up first: it does not take ana.
  ASSERT_EQ(h.Close("c2", h.SessionOf("c2")), StatusCode::kOk);
  EXPECT_TRUE(h.TakeAssignments().empty());
  // The wait is over: any agent, c2 here.
  h.Advance(30 * kSecond);
  h.Tick();
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"ana", "c2"}}));
  const auto v = View(h, "c2");
  EXPECT_EQ(v.trace->preference, Source::kLastAgent);
  EXPECT_EQ(v.trace->preference_outcome, Outcome::kExpired);
  EXPECT_EQ(h.router().Agent(v.preferred_agent).employee_id, "c1");
}

TEST(PreferenceTest, TheLastAgentServesItsWaitingCustomerFirstWhenItFreesUp) {
  RouterHarness h(StickyTenant(600, 30));
  h.SignInReady("c1");
  h.Contact("web", "ana");
  ASSERT_EQ(h.Close("c1", h.SessionOf("c1")), StatusCode::kOk);
  h.Contact("web", "bob");  // c1 takes bob
  h.Take();
  h.Advance(kSecond);
  h.Contact("web", "dan");  // waits in the queue, before ana
  h.Advance(kSecond);
  h.Contact("web", "ana");  // reserved for c1
  ASSERT_EQ(h.Close("c1", h.SessionOf("c1")), StatusCode::kOk);
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"ana", "c1"}}));
}

TEST(PreferenceTest, ASignedOutLastAgentIsNotWaitedFor) {
  RouterHarness h(StickyTenant(600, 30));
  h.SignInReady("c1");
  h.SignInReady("c2");
  h.Contact("web", "ana");
  ASSERT_EQ(h.Close("c1", h.SessionOf("c1")), StatusCode::kOk);
  ASSERT_EQ(h.Command(AgentCommandType::kSignOut, "c1"), StatusCode::kOk);
  h.Take();
  h.Contact("web", "ana");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"ana", "c2"}}));
  EXPECT_EQ(View(h, "c2").trace->preference_outcome, Outcome::kUnavailable);
}

TEST(PreferenceTest, SigningOutReleasesTheSessionsWaitingForTheAgent) {
  RouterHarness h(StickyTenant(600, 30));
  h.SignInReady("c1");
  h.Contact("web", "ana");
  ASSERT_EQ(h.Close("c1", h.SessionOf("c1")), StatusCode::kOk);
  h.Contact("web", "bob");  // c1 full
  h.Contact("web", "ana");  // reserved for c1
  h.SignInReady("c2");      // may not take ana
  h.Take();
  EXPECT_EQ(h.router().Queue(0).reserved, 1u);
  ASSERT_EQ(h.Command(AgentCommandType::kSignOut, "c1"), StatusCode::kOk);
  // bob is requeued and ana released: c2 (cap 1) takes the first in order.
  const Assignments got = h.TakeAssignments();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], (std::pair<std::string, std::string>{"bob", "c2"}));
  EXPECT_EQ(h.router().Queue(0).reserved, 0u);
  EXPECT_EQ(h.router().Queue(0).waiting, 1u);
}

TEST(PreferenceTest, TheContactMayNameAnAgent) {
  RouterHarness h(StickyTenant(0, 30));
  h.SignInReady("c1");
  h.SignInReady("c2");
  auto named = [&](const std::string& customer, const std::string& agent) {
    auto c = std::make_shared<routerd::Contact>();
    c->customer_id = customer;
    c->text = "hi";
    c->preferred_agent = agent;
    h.router().OnContact(h.router().FindChannel("web").value(), std::move(c), h.now());
  };
  named("ana", "c2");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"ana", "c2"}}));
  EXPECT_EQ(View(h, "c2").trace->preference, Source::kContact);
  // A name nobody has: any agent, and the session says so.
  named("bob", "nobody");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"bob", "c1"}}));
  const auto v = View(h, "c1");
  EXPECT_EQ(v.preference, Source::kContact);
  EXPECT_EQ(v.preferred_agent, routing::kNone);
  EXPECT_EQ(v.preference_outcome, Outcome::kUnavailable);
  // c3 is not in q: unavailable, waits for any agent.
  named("cy", "c3");
  const auto waiting = h.router().WaitingInOrder(0);
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(h.router().Session(waiting[0])->preference_outcome, Outcome::kUnavailable);
}

TEST(PreferenceTest, ATransferMayNameTheAgentToWaitFor) {
  RouterHarness h(StickyTenant(0, 30));
  h.SignInReady("c1");
  h.SignInReady("c2");
  h.SignInReady("c3");
  h.Contact("web", "ana");  // c1
  h.Contact("web", "bob");  // c2: both full
  h.Take();
  routing::AgentCommand c;
  c.type = AgentCommandType::kTransfer;
  c.target = h.AgentIndex("c1");
  c.session_id = h.SessionOf("c1");
  c.to_queue = h.router().FindQueue("other").value();
  c.to_agent = h.AgentIndex("c2");  // busy: ana waits for it although c1 and c3 are free
  c.correlation = 5;
  ASSERT_EQ(h.Run(c), StatusCode::kOk);
  EXPECT_TRUE(h.TakeAssignments().empty());
  EXPECT_EQ(h.router().Queue(1).reserved, 1u);
  ASSERT_EQ(h.Close("c2", h.SessionOf("c2")), StatusCode::kOk);
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"ana", "c2"}}));
  const auto v = View(h, "c2");
  EXPECT_EQ(v.trace->preference, Source::kTransfer);
  EXPECT_EQ(v.trace->preference_outcome, Outcome::kServed);
  EXPECT_EQ(h.router().QueueId(v.trace->queue), "other");
}

TEST(PreferenceTest, MaxWaitOverflowsAReservedSession) {
  auto tenant = StickyTenant(600, 3600);
  tenant.skill_queues[0].max_wait_seconds = 10;
  RouterHarness h(tenant);
  h.SignInReady("c1");
  h.Contact("web", "ana");
  ASSERT_EQ(h.Close("c1", h.SessionOf("c1")), StatusCode::kOk);
  h.Contact("web", "bob");
  h.Contact("web", "ana");  // reserved for c1
  h.Take();
  h.Advance(10 * kSecond);
  h.Tick();
  auto leaves = h.Take(routing::RoutingEventType::kLeaveMessage);
  ASSERT_EQ(leaves.size(), 1u);
  EXPECT_EQ(leaves[0].contact->customer_id, "ana");
  EXPECT_EQ(h.router().Queue(0).waiting, 0u);
  EXPECT_EQ(h.router().Queue(0).reserved, 0u);
}

}  // namespace
}  // namespace routerd::testing
