// Restart recovery in the router: TenantRouter::Restore / FinishRestore, and
// the kSessionOpened event the journal needs.
#include <gtest/gtest.h>

#include "tests/routing/router_harness.h"

namespace routerd::testing {
namespace {

using routing::AgentCommandType;
using routing::AgentState;
using routing::RoutingEventType;
using routing::TenantRouter;

ContactPtr Msg(const std::string& channel, const std::string& customer, const std::string& id) {
  auto c = std::make_shared<Contact>();
  c->tenant_id = "t";
  c->channel_id = channel;
  c->customer_id = customer;
  c->provider_message_id = id;
  c->text = "text " + id;
  return c;
}

config::TenantConfig TwoAgentsOneQueue(int max_waiting = 1000) {
  return TenantBuilder("t", 2)
      .Ou("ou")
      .Queue("q", "least_busy", 60, max_waiting)
      .Agent("a1", "ou", {"q"})
      .Agent("a2", "ou", {"q"})
      .Channel("web", "q")
      .Build();
}

TenantRouter::RestoredSession Waiting(RouterHarness& h, std::uint64_t id, const std::string& customer,
                                      std::int64_t arrival_ns, std::vector<std::string> message_ids) {
  TenantRouter::RestoredSession r;
  r.id = id;
  r.channel = h.router().FindChannel("web").value();
  r.queue = h.router().FindQueue("q").value();
  r.arrival_ns = arrival_ns;
  for (const auto& m : message_ids) r.contacts.push_back(Msg("web", customer, m));
  return r;
}

constexpr std::uint64_t Id(std::uint64_t seq, std::uint32_t slot) {
  return (seq << routing::kSessionSlotBits) | slot;
}

TEST(TenantRouterRestoreTest, WaitingSessionsKeepTheirIdsOrderAndMessages) {
  RouterHarness h(TwoAgentsOneQueue());
  const std::int64_t now = h.now();
  // Restored out of slot order but in arrival order.
  ASSERT_TRUE(h.router().Restore(Waiting(h, Id(7, 3), "c-old", now - 50 * kSecond, {"m1", "m2"}), now).ok());
  ASSERT_TRUE(h.router().Restore(Waiting(h, Id(9, 0), "c-new", now - 10 * kSecond, {"m3"}), now).ok());
  h.router().FinishRestore(Id(12, 5));
  EXPECT_EQ(h.router().open_sessions(), 2u);
  EXPECT_EQ(h.router().WaitingInOrder(0), (std::vector<std::uint64_t>{Id(7, 3), Id(9, 0)}));
  auto stats = h.router().Queue(0);
  EXPECT_EQ(stats.oldest_arrival_ns, now - 50 * kSecond);
  EXPECT_TRUE(h.Take().empty());  // a waiting restore says nothing

  // A new message from a restored customer joins that session.
  h.Contact("web", "c-old", "again");
  EXPECT_EQ(h.router().open_sessions(), 2u);
  EXPECT_EQ(h.router().Session(Id(7, 3))->messages, 3u);

  // The oldest goes first, with every message; the wait counts from the original arrival.
  h.SignInReady("a1");
  auto assigned = h.Take(RoutingEventType::kAssigned);
  ASSERT_EQ(assigned.size(), 2u);  // a1 takes both (cap 2)
  EXPECT_EQ(assigned[0].session_id, Id(7, 3));
  EXPECT_EQ(assigned[0].MessageCount(), 3u);
  EXPECT_EQ(assigned[0].waited_ns, 50 * kSecond);
  EXPECT_EQ(assigned[1].session_id, Id(9, 0));
}

TEST(TenantRouterRestoreTest, NewSessionIdsStartAboveTheLargestStoredOneAndFreeSlotsAreReused) {
  RouterHarness h(TwoAgentsOneQueue(), routing::TenantRouterOptions{200, true});
  const std::int64_t now = h.now();
  ASSERT_TRUE(h.router().Restore(Waiting(h, Id(4, 2), "c1", now - kSecond, {"m1"}), now).ok());
  h.router().FinishRestore(Id(40, 9));  // an ended session had a larger id
  h.Contact("web", "c2");
  auto opened = h.Take(RoutingEventType::kSessionOpened);
  ASSERT_EQ(opened.size(), 1u);
  EXPECT_EQ(opened[0].session_id >> routing::kSessionSlotBits, 41u);
  EXPECT_EQ(opened[0].session_id & (routing::kMaxOpenSessions - 1), 0u);  // the lowest free slot
  EXPECT_EQ(opened[0].queue_id, "q");
  EXPECT_EQ(opened[0].contact->customer_id, "c2");
  h.Contact("web", "c3");
  opened = h.Take(RoutingEventType::kSessionOpened);
  ASSERT_EQ(opened.size(), 1u);
  EXPECT_EQ(opened[0].session_id & (routing::kMaxOpenSessions - 1), 1u);
  h.Contact("web", "c4");
  opened = h.Take(RoutingEventType::kSessionOpened);
  ASSERT_EQ(opened.size(), 1u);
  EXPECT_EQ(opened[0].session_id & (routing::kMaxOpenSessions - 1), 3u);  // slot 2 is the restored one
}

TEST(TenantRouterRestoreTest, SessionOpenedIsEmittedOnlyWhenAskedAndBeforeTheAssignment) {
  RouterHarness quiet(TwoAgentsOneQueue());
  quiet.Contact("web", "c1");
  EXPECT_TRUE(quiet.Take(RoutingEventType::kSessionOpened).empty());

  RouterHarness h(TwoAgentsOneQueue(), routing::TenantRouterOptions{200, true});
  h.SignInReady("a1");
  h.Take();
  h.Contact("web", "c1");
  h.Contact("web", "c1");  // joins: no second opening
  auto events = h.Take();
  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ(events[0].type, RoutingEventType::kSessionOpened);
  EXPECT_EQ(events[1].type, RoutingEventType::kAssigned);
  EXPECT_EQ(events[0].session_id, events[1].session_id);
  EXPECT_EQ(events[2].type, RoutingEventType::kMessage);
}

TEST(TenantRouterRestoreTest, MovesAndMessagesOfWaitingSessionsAreAnnouncedForTheJournal) {
  // q overflows into q2 after one waiting session.
  RouterHarness h(TenantBuilder("t", 2)
                      .Ou("ou")
                      .Queue("q", "least_busy", 60, 1, "q2")
                      .Queue("q2")
                      .Agent("a1", "ou", {"q2"})
                      .Channel("web", "q")
                      .Build(),
                  routing::TenantRouterOptions{200, true});
  h.Contact("web", "c1");
  h.Contact("web", "c1", "again");  // joins the waiting session
  h.Contact("web", "c2");           // q is full: overflows to q2
  auto events = h.Take();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].type, RoutingEventType::kSessionOpened);
  EXPECT_EQ(events[1].type, RoutingEventType::kMessageQueued);
  EXPECT_EQ(events[1].session_id, events[0].session_id);
  EXPECT_EQ(events[1].contact->text, "again");
  EXPECT_EQ(events[2].type, RoutingEventType::kSessionOpened);
  EXPECT_EQ(events[2].queue_id, "q");
  EXPECT_EQ(events[3].type, RoutingEventType::kSessionQueued);
  EXPECT_EQ(events[3].session_id, events[2].session_id);
  EXPECT_EQ(events[3].queue_id, "q2");

  // Without the option, none of them.
  RouterHarness quiet(TenantBuilder("t", 2)
                          .Ou("ou")
                          .Queue("q", "least_busy", 60, 1, "q2")
                          .Queue("q2")
                          .Agent("a1", "ou", {"q2"})
                          .Channel("web", "q")
                          .Build());
  quiet.Contact("web", "c1");
  quiet.Contact("web", "c1", "again");
  quiet.Contact("web", "c2");
  EXPECT_TRUE(quiet.Take().empty());
}

TEST(TenantRouterRestoreTest, AnAssignedSessionGoesBackToItsAgentWhoRestsUntilItReturns) {
  RouterHarness h(TwoAgentsOneQueue());
  const std::int64_t now = h.now();
  auto r = Waiting(h, Id(3, 0), "c1", now - 5 * kSecond, {"m1", "m2"});
  r.agent = h.AgentIndex("a1");
  ASSERT_TRUE(h.router().Restore(r, now).ok());
  ASSERT_TRUE(h.router().Restore(Waiting(h, Id(4, 1), "c2", now - 2 * kSecond, {"m3"}), now).ok());
  h.router().FinishRestore(Id(4, 1));

  auto events = h.Take();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, RoutingEventType::kAssigned);
  EXPECT_EQ(events[0].session_id, Id(3, 0));
  EXPECT_EQ(events[0].employee_id, "a1");
  EXPECT_EQ(events[0].strategy, "restored");
  EXPECT_EQ(events[0].MessageCount(), 2u);
  EXPECT_EQ(events[1].type, RoutingEventType::kAgentState);
  EXPECT_EQ(events[1].agent_state, AgentState::kNotReady);
  EXPECT_EQ(h.router().Agent(h.AgentIndex("a1")).state, AgentState::kNotReady);
  EXPECT_EQ(h.Active("a1"), 1u);
  // Resting: the waiting session is not given to a1 until it is ready.
  EXPECT_EQ(h.router().Queue(0).waiting, 1u);
  EXPECT_EQ(h.Command(AgentCommandType::kReady, "a1"), StatusCode::kOk);
  EXPECT_EQ(h.Active("a1"), 2u);
  EXPECT_EQ(h.Close("a1", Id(3, 0)), StatusCode::kOk);
  EXPECT_EQ(h.Active("a1"), 1u);
}

TEST(TenantRouterRestoreTest, AnAgentThatNeverReturnsIsSignedOutAndItsSessionWaitsAtItsArrival) {
  RouterHarness h(TwoAgentsOneQueue());
  const std::int64_t now = h.now();
  auto r = Waiting(h, Id(3, 0), "c1", now - 30 * kSecond, {"m1"});
  r.agent = h.AgentIndex("a1");
  ASSERT_TRUE(h.router().Restore(r, now).ok());
  ASSERT_TRUE(h.router().Restore(Waiting(h, Id(4, 1), "c2", now - 10 * kSecond, {"m2"}), now).ok());
  h.router().FinishRestore(Id(4, 1));
  h.Take();
  EXPECT_EQ(h.Command(AgentCommandType::kSignOut, "a1"), StatusCode::kOk);  // the gateway's grace ran out
  EXPECT_EQ(h.router().WaitingInOrder(0), (std::vector<std::uint64_t>{Id(3, 0), Id(4, 1)}));
}

TEST(TenantRouterRestoreTest, AnAgentBelowTheSessionsItHeldGetsWhatFitsTheRestWaits) {
  // The cap was lowered to 1 between runs: the second session cannot go back.
  RouterHarness h(TenantBuilder("t", 1).Ou("ou").Queue("q").Agent("a1", "ou", {"q"}).Channel("web", "q").Build());
  const std::int64_t now = h.now();
  auto first = Waiting(h, Id(3, 0), "c1", now - 9 * kSecond, {"m1"});
  first.agent = h.AgentIndex("a1");
  auto second = Waiting(h, Id(4, 1), "c2", now - 8 * kSecond, {"m2"});
  second.agent = h.AgentIndex("a1");
  ASSERT_TRUE(h.router().Restore(first, now).ok());
  ASSERT_TRUE(h.router().Restore(second, now).ok());
  h.router().FinishRestore(Id(4, 1));
  EXPECT_EQ(h.Active("a1"), 1u);
  EXPECT_EQ(h.router().WaitingInOrder(0), (std::vector<std::uint64_t>{Id(4, 1)}));
}

TEST(TenantRouterRestoreTest, UnusableRestoresAreRefusedNamingWhy) {
  RouterHarness h(TwoAgentsOneQueue());
  const std::int64_t now = h.now();
  auto bad_id = Waiting(h, 5, "c1", now, {"m1"});  // sequence 0: not an id the router made
  EXPECT_EQ(h.router().Restore(bad_id, now).code(), StatusCode::kInvalidArgument);
  auto no_messages = Waiting(h, Id(1, 0), "c1", now, {});
  EXPECT_EQ(h.router().Restore(no_messages, now).code(), StatusCode::kInvalidArgument);
  auto bad_queue = Waiting(h, Id(1, 0), "c1", now, {"m1"});
  bad_queue.queue = 99;
  EXPECT_EQ(h.router().Restore(bad_queue, now).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(h.router().Restore(Waiting(h, Id(1, 0), "c1", now, {"m1"}), now).ok());
  Status twice = h.router().Restore(Waiting(h, Id(2, 0), "c9", now, {"m9"}), now);
  EXPECT_EQ(twice.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(twice.message().find("already open"), std::string::npos) << twice.message();
}

TEST(TenantRouterRestoreTest, AWaitingSessionOlderThanMaxWaitOverflowsAtTheFirstTick) {
  RouterHarness h(TwoAgentsOneQueue());  // max wait 60 s
  const std::int64_t now = h.now();
  ASSERT_TRUE(h.router().Restore(Waiting(h, Id(1, 0), "c1", now - 61 * kSecond, {"m1"}), now).ok());
  ASSERT_TRUE(h.router().Restore(Waiting(h, Id(2, 1), "c2", now - 5 * kSecond, {"m2"}), now).ok());
  h.router().FinishRestore(Id(2, 1));
  h.Tick();
  auto leave = h.Take(RoutingEventType::kLeaveMessage);
  ASSERT_EQ(leave.size(), 1u);
  EXPECT_EQ(leave[0].contact->customer_id, "c1");
  EXPECT_EQ(h.router().WaitingInOrder(0), (std::vector<std::uint64_t>{Id(2, 1)}));
}

}  // namespace
}  // namespace routerd::testing
