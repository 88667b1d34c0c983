// Cluster mode: Router::ResetTenant drops a tenant's routing state when
// another instance takes the tenant, silently, while the statistics and the
// events already emitted stay usable, and the tenant can be restored again.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "tests/routing/cluster_harness.h"

namespace routerd::testing {
namespace {

using routing::AgentCommandType;
using routing::AgentState;
using routing::RoutingEvent;
using routing::RoutingEventType;
using routing::TenantRouter;

std::uint64_t SessionOf(ClusterHarness& h, std::uint32_t t, const std::string& employee_id, std::size_t i = 0) {
  auto view = h.tenant(t).Agent(h.Agent(t, employee_id));
  return view.session_slots.size() > i ? h.tenant(t).SessionIdAtSlot(view.session_slots[i]) : 0;
}

// Leaves tenant `t` with every kind of routing state: assigned and waiting
// sessions, after-contact work, a transfer's route trace, ended sessions, a
// remembered customer, a reservation for a resting agent, run-time caps.
// Returns the id of a session that ended.
std::uint64_t LeaveEveryKindOfState(ClusterHarness& h, std::uint32_t t) {
  for (const char* agent : {"a1", "a2", "a3"}) h.SignInReady(t, agent);
  // Caps: a1 2 (its OU), a2 3 (its own), a3 3 (the tenant's): c9 waits.
  for (int i = 1; i <= 9; ++i) h.Contact(t, "web", "c" + std::to_string(i));
  h.Contact(t, "mail", "m1");

  const std::uint64_t closed = SessionOf(h, t, "a1");
  auto close = h.MakeCommand(t, AgentCommandType::kCloseSession, "a1");
  close.session_id = closed;
  EXPECT_EQ(h.Run(close), StatusCode::kOk);  // starts after-contact work, remembers the customer
  auto transfer = h.MakeCommand(t, AgentCommandType::kTransfer, "a2");
  transfer.session_id = SessionOf(h, t, "a2");
  transfer.to_queue = h.tenant(t).FindQueue("q2").value();
  EXPECT_EQ(h.Run(transfer), StatusCode::kOk);
  auto rest = h.MakeCommand(t, AgentCommandType::kNotReady, "a3");
  rest.reason = 1;  // "lunch"
  EXPECT_EQ(h.Run(rest), StatusCode::kOk);
  h.Contact(t, "web", "p1", "a3");  // waits for a3, who rests

  auto agent_cap = h.MakeCommand(t, AgentCommandType::kSetAgentCap, "a2");
  agent_cap.cap = 1;
  agent_cap.personal = true;
  EXPECT_EQ(h.Run(agent_cap), StatusCode::kOk);
  auto ou_cap = h.MakeCommand(t, AgentCommandType::kSetOuCap, "a1");
  ou_cap.target = h.tenant(t).FindOu("team").value();
  ou_cap.cap = 1;
  EXPECT_EQ(h.Run(ou_cap), StatusCode::kOk);
  auto tenant_cap = h.MakeCommand(t, AgentCommandType::kSetTenantCap, "a3");
  tenant_cap.cap = 2;
  EXPECT_EQ(h.Run(tenant_cap), StatusCode::kOk);
  auto unknown = h.MakeCommand(t, AgentCommandType::kCloseSession, "a1");
  unknown.session_id = SessionId(999, 7);
  EXPECT_NE(h.Run(unknown), StatusCode::kOk);  // an error text in its reply
  h.Advance(10 * kSec);
  h.Tick();  // the after-contact work ends
  return closed;
}

// Tenant 0's open sessions, with what events do not show (preferences).
std::vector<std::string> DescribeSessions(ClusterHarness& h) {
  std::vector<std::string> out;
  h.tenant(0).ForEachSession([&](const routing::SessionView& s) {
    out.push_back(std::to_string(s.id) + " queue=" + std::to_string(s.queue) + " agent=" + std::to_string(s.agent) +
                  " prefers=" + std::to_string(s.preferred_agent) + " " +
                  std::string(routing::PreferenceSourceName(s.preference)) + "/" +
                  std::string(routing::PreferenceOutcomeName(s.preference_outcome)) +
                  (s.reserved ? " reserved" : "") + " priority=" + std::to_string(s.priority));
  });
  std::sort(out.begin(), out.end());
  return out;
}

// After the reset: what LeaveEveryKindOfState's leftovers would change if any
// survived (sticky customers, round-robin turns, caps, deadlines, ids).
// `sessions`, when given, gets the open sessions after the first contacts.
void RouteSomeMore(ClusterHarness& h, std::vector<std::string>* sessions = nullptr) {
  h.SignInReady(0, "a1");
  h.SignInReady(0, "a3");
  for (int i = 1; i <= 5; ++i) h.Contact(0, "web", "c" + std::to_string(i));
  h.Contact(0, "web", "p1");
  if (sessions != nullptr) *sessions = DescribeSessions(h);
  h.Advance(40 * kSec);
  h.Tick();
  h.SignInReady(0, "a2");
  auto close = h.MakeCommand(0, AgentCommandType::kCloseSession, "a1");
  close.session_id = SessionOf(h, 0, "a1");
  h.Run(close);
  h.Contact(0, "mail", "m1");
  h.Advance(700 * kSec);
  h.Tick();
}

TEST(TenantResetTest, DropsSessionsAgentStatesAndWrapUpsWithoutEvents) {
  ClusterHarness h;
  ClusterHarness fresh;
  const std::uint64_t ended = LeaveEveryKindOfState(h, 0);
  LeaveEveryKindOfState(h, 1);
  h.Take();
  TenantRouter& t = h.tenant(0);
  ASSERT_GT(t.open_sessions(), 0u);
  ASSERT_TRUE(t.EndedSession(ended).has_value());
  std::vector<std::uint64_t> open;
  t.ForEachSession([&](const routing::SessionView& s) { open.push_back(s.id); });
  ASSERT_EQ(t.Agent(h.Agent(0, "a3")).not_ready_reason, "lunch");
  ASSERT_EQ(t.Queue(0).reserved, 1u);
  const std::uint32_t other_sessions = h.tenant(1).open_sessions();

  h.router().ResetTenant(0);

  EXPECT_TRUE(h.router().events().empty());
  EXPECT_EQ(t.open_sessions(), 0u);
  std::size_t left = 0;
  t.ForEachSession([&](const routing::SessionView&) { ++left; });
  EXPECT_EQ(left, 0u);
  for (std::uint64_t id : open) {
    EXPECT_FALSE(t.Session(id).has_value()) << id;
    EXPECT_FALSE(t.RouteOf(id).has_value()) << id;
  }
  EXPECT_FALSE(t.EndedSession(ended).has_value());
  EXPECT_FALSE(t.RouteOf(ended).has_value());
  for (std::uint32_t a = 0; a < t.agent_count(); ++a) {
    const auto view = t.Agent(a);
    const auto configured = fresh.tenant(0).Agent(a);
    EXPECT_EQ(view.state, AgentState::kSignedOut) << a;
    EXPECT_EQ(view.load(), 0u) << a;
    EXPECT_TRUE(view.wrap_ups.empty()) << a;
    EXPECT_TRUE(view.not_ready_reason.empty()) << a;
    EXPECT_EQ(view.cap, configured.cap) << a;
  }
  for (std::uint32_t q = 0; q < t.queue_count(); ++q) {
    const auto stats = t.Queue(q);
    EXPECT_EQ(stats.waiting, 0u) << q;
    EXPECT_EQ(stats.reserved, 0u) << q;
    EXPECT_EQ(stats.eligible_agents, 0u) << q;
    EXPECT_TRUE(t.WaitingInOrder(q).empty()) << q;
  }
  // The other tenant keeps everything.
  EXPECT_EQ(h.tenant(1).open_sessions(), other_sessions);
  EXPECT_EQ(h.tenant(1).Agent(h.Agent(1, "a3")).not_ready_reason, "lunch");
}

TEST(TenantResetTest, RoutesExactlyAsAFreshRouterAfterwards) {
  ClusterHarness h;
  LeaveEveryKindOfState(h, 0);
  h.router().ResetTenant(0);
  h.Take();
  // The same script on the other tenant: the same clock and correlation ids.
  ClusterHarness fresh;
  LeaveEveryKindOfState(fresh, 1);
  fresh.Take();

  std::vector<std::string> sessions, expected_sessions;
  RouteSomeMore(h, &sessions);
  RouteSomeMore(fresh, &expected_sessions);
  ASSERT_FALSE(expected_sessions.empty());
  EXPECT_EQ(sessions, expected_sessions);
  auto tenant0 = [](std::vector<RoutingEvent> all) {
    std::erase_if(all, [](const RoutingEvent& e) { return e.tenant != 0; });
    return all;
  };
  const std::vector<RoutingEvent> events = tenant0(h.Take());
  const std::vector<RoutingEvent> expected = tenant0(fresh.Take());
  ASSERT_FALSE(expected.empty());
  ASSERT_EQ(events.size(), expected.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(Describe(events[i]), Describe(expected[i])) << i;
    const auto route = h.tenant(0).RouteOf(events[i].session_id);
    const auto expected_route = fresh.tenant(0).RouteOf(expected[i].session_id);
    ASSERT_EQ(route.has_value(), expected_route.has_value()) << i;
    if (!route) continue;
    ASSERT_EQ(route->size(), expected_route->size()) << i;
    for (std::size_t k = 0; k < route->size(); ++k) {
      EXPECT_EQ((*route)[k].kind, (*expected_route)[k].kind) << i << "/" << k;
      EXPECT_EQ((*route)[k].at_ns, (*expected_route)[k].at_ns) << i << "/" << k;
      EXPECT_EQ((*route)[k].agent, (*expected_route)[k].agent) << i << "/" << k;
    }
  }
  for (std::uint32_t a = 0; a < h.tenant(0).agent_count(); ++a) {
    EXPECT_EQ(h.tenant(0).Agent(a).state, fresh.tenant(0).Agent(a).state) << a;
    EXPECT_EQ(h.tenant(0).Agent(a).load(), fresh.tenant(0).Agent(a).load()) << a;
    EXPECT_EQ(h.tenant(0).Agent(a).cap, fresh.tenant(0).Agent(a).cap) << a;
  }
}

TEST(TenantResetTest, StatisticsReferencesStayValidAndKeepCounting) {
  ClusterHarness h;
  LeaveEveryKindOfState(h, 0);
  const routing::QueueStatistics& q = h.tenant(0).Statistics(0);
  const routing::QueueStatistics& q2 = h.tenant(0).Statistics(1);
  const std::uint64_t answered = q.answered.Get();
  const std::uint64_t handled = q.handle.count();
  const std::uint64_t transferred = q.transferred.Get();
  const std::uint64_t answered2 = q2.answered.Get();
  ASSERT_GT(answered, 0u);
  ASSERT_GT(handled, 0u);
  ASSERT_GT(transferred, 0u);

  h.router().ResetTenant(0);
  EXPECT_EQ(&h.tenant(0).Statistics(0), &q);
  EXPECT_EQ(&h.tenant(0).Statistics(1), &q2);
  EXPECT_EQ(q.answered.Get(), answered);  // counted for the process, not the tenant's stay here
  EXPECT_EQ(q.handle.count(), handled);
  EXPECT_EQ(q.transferred.Get(), transferred);
  EXPECT_EQ(q2.answered.Get(), answered2);

  h.SignInReady(0, "a1");
  h.Contact(0, "web", "after");
  h.Contact(0, "mail", "after");
  EXPECT_EQ(q.answered.Get(), answered + 1);
  EXPECT_EQ(q2.answered.Get(), answered2 + 1);
}

TEST(TenantResetTest, EventViewsEmittedBeforeTheResetStayReadable) {
  ClusterHarness h;
  LeaveEveryKindOfState(h, 0);
  // As the sink holds them until their storage commit.
  const std::vector<RoutingEvent> held = h.Take();
  std::vector<std::string> before;
  std::set<std::string_view> seen;
  for (const RoutingEvent& e : held) {
    before.push_back(Describe(e));
    for (std::string_view v : {e.strategy, e.cap_origin_ou, e.not_ready_reason, e.error}) {
      if (!v.empty()) seen.insert(v);
    }
  }
  // Every kind of view is among them, so each is read again below.
  EXPECT_TRUE(seen.contains("round_robin"));
  EXPECT_TRUE(seen.contains("least_busy"));
  EXPECT_TRUE(seen.contains("team"));
  EXPECT_TRUE(seen.contains("lunch"));
  EXPECT_GT(seen.size(), 4u);  // and an error text

  h.router().ResetTenant(0);
  RouteSomeMore(h);  // reuses memory a reset freed
  h.router().ResetTenant(0);
  ASSERT_EQ(held.size(), before.size());
  for (std::size_t i = 0; i < held.size(); ++i) {
    EXPECT_EQ(Describe(held[i]), before[i]) << i;
    EXPECT_EQ(held[i].tenant_id, "t0") << i;
  }
}

TEST(TenantResetTest, RestoreWorksAgainAfterAReset) {
  ClusterHarness h;
  h.SignInReady(0, "a1");
  for (int i = 0; i < 20; ++i) h.Contact(0, "web", "c" + std::to_string(i));  // ids up to sequence 20
  ASSERT_GT(h.tenant(0).open_sessions(), 3u);  // slots 0..3 are taken
  h.router().ResetTenant(0);
  h.Take();

  TenantRouter& t = h.tenant(0);
  auto restored = [&](std::uint64_t id, const std::string& customer, std::int64_t arrival_ns) {
    TenantRouter::RestoredSession r;
    r.id = id;
    r.channel = t.FindChannel("web").value();
    r.queue = t.FindQueue("q").value();
    r.arrival_ns = arrival_ns;
    auto c = std::make_shared<Contact>();
    c->tenant_id = "t0";
    c->channel_id = "web";
    c->customer_id = customer;
    c->provider_message_id = customer + "-1";
    r.contacts.push_back(std::move(c));
    return r;
  };
  auto assigned = restored(SessionId(9, 0), "r-assigned", h.now() - 20 * kSec);
  assigned.agent = h.Agent(0, "a2");
  ASSERT_TRUE(t.Restore(assigned, h.now()).ok());
  ASSERT_TRUE(t.Restore(restored(SessionId(7, 3), "r-waiting", h.now() - 10 * kSec), h.now()).ok());
  t.FinishRestore(SessionId(12, 5));

  auto events = h.Take();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, RoutingEventType::kAssigned);
  EXPECT_EQ(events[0].session_id, SessionId(9, 0));
  EXPECT_EQ(events[0].strategy, "restored");
  EXPECT_EQ(t.open_sessions(), 2u);
  EXPECT_EQ(t.Agent(h.Agent(0, "a2")).state, AgentState::kNotReady);
  EXPECT_EQ(t.WaitingInOrder(0), (std::vector<std::uint64_t>{SessionId(7, 3)}));

  // New sessions: above the largest stored id (not the sequence before the
  // reset), in the lowest free slot.
  h.SignInReady(0, "a1");
  h.Take();
  h.Contact(0, "web", "new");
  auto now_assigned = h.Take();
  std::vector<std::uint64_t> ids;
  for (const auto& e : now_assigned) {
    if (e.type == RoutingEventType::kAssigned) ids.push_back(e.session_id);
  }
  EXPECT_EQ(ids, (std::vector<std::uint64_t>{SessionId(13, 1)}));
  EXPECT_EQ(t.Session(SessionId(7, 3))->agent, h.Agent(0, "a1"));  // a1 took the restored one on Ready
}

}  // namespace
}  // namespace routerd::testing
