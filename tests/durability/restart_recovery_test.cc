// Restart recovery in-process: the daemon is stopped and created
// again on the same data directory, and brings back its waiting sessions in
// their original order and arrival time, its dedup keys and its leave
// messages; new session ids continue above every stored one. (A Stop is not a
// crash: sessions held by agents across a kill are in
// assigned_recovery_test.cc, which kills the real executable.) Every test
// runs on SQLite and on PostgreSQL (a fresh database of its own).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tests/durability/database_probe.h"
#include "tests/durability/durability_backend.h"
#include "tests/durability/durability_config.h"
#include "tests/durability/restart_fixture.h"
#include "routerd/clock.h"

namespace routerd::durability {
namespace {

using gateway_test::JsonDoc;

INSTANTIATE_TEST_SUITE_P(Backends, RestartTest, AllBackends(), BackendName);

TEST_P(RestartTest, WaitingSessionsComeBackInOrderAndCountFromTheirOriginalArrival) {
  StartDaemon();
  SendWeb("evt-1", "c1", "one");
  Send(WhatsAppText("wamid.w1", "34600000001", "two"));
  SendWeb("evt-2", "c2", "three");
  SendWeb("evt-3", "c1", "one more");  // joins c1's waiting session
  SendWeb("evt-4", "c3", "four");
  WaitForMessages(5);
  const std::vector<std::string> order = {"c1", "34600000001", "c2", "c3"};
  ASSERT_EQ(WaitingCustomers("chat"), order);
  const std::vector<RouterSession> before = Sessions();
  ASSERT_EQ(before.size(), 4u);

  const std::int64_t stopped_ms = SystemClock().WallMs();
  Restart();
  const daemon::Daemon::Recovery& r = daemon().recovery();
  EXPECT_EQ(r.waiting_sessions, 4u);
  EXPECT_EQ(r.assigned_sessions, 0u);
  EXPECT_EQ(r.pending_contacts, 0u);  // "one more" joined a waiting session: journaled as part of it
  EXPECT_EQ(r.dedup_keys, 5u);
  EXPECT_EQ(r.skipped, 0u);
  WaitForMessages(5);
  EXPECT_EQ(WaitingCustomers("chat"), order);
  const std::vector<RouterSession> after = Sessions();
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].id, before[i].id);
    EXPECT_EQ(after[i].customer, before[i].customer);
    EXPECT_EQ(after[i].messages, before[i].messages) << after[i].customer;
  }

  // Waited time counts from the original arrival (stored as wall-clock ms),
  // not from the restart.
  auto probe = Probe();
  ASSERT_NE(probe, nullptr);
  auto stored = probe->Sessions();
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 4u);
  for (const SessionRow& s : *stored) {
    EXPECT_LE(s.arrival_ms, stopped_ms);
    const std::int64_t t0 = SystemClock().WallMs();
    const JsonDoc json = Admin("/api/v1/sessions/" + std::to_string(s.session_id)).Json();
    const std::int64_t t1 = SystemClock().WallMs();
    EXPECT_EQ(json.Str("/state"), "waiting") << json.text();
    const std::int64_t waiting_ms = json.Int("/waiting_ms").value_or(-1);
    // A millisecond either side for the rounding of two clocks.
    EXPECT_GE(waiting_ms, t0 - s.arrival_ms - 2) << json.text();
    EXPECT_LE(waiting_ms, t1 - s.arrival_ms + 2) << json.text();
  }
  const JsonDoc queues = Admin("/api/v1/queues").Json();
  EXPECT_EQ(queues.Int("/queues/0/waiting"), 4) << queues.text();

  // A customer arriving after the restart gets a new id and waits last.
  SendWeb("evt-5", "c4", "five");
  WaitForMessages(6);
  const auto c4 = SessionOf("c4");
  ASSERT_TRUE(c4.has_value());
  for (const RouterSession& s : before) EXPECT_GT(c4->id, s.id);
  EXPECT_EQ(WaitingCustomers("chat"), (std::vector<std::string>{"c1", "34600000001", "c2", "c3", "c4"}));

  // An agent going ready is given them oldest first, with what they said.
  auto a1 = ConnectReady("a1", kA1Token);
  const std::int64_t oldest_arrival = stored->front().arrival_ms;
  for (std::string_view customer : {"c1", "34600000001", "c2", "c3", "c4"}) {
    const JsonDoc assigned = a1->NextOfType("assigned");
    EXPECT_EQ(assigned.Str("/customer/id"), customer) << assigned.text();
    if (customer == "c1") {
      ASSERT_EQ(assigned.Size("/messages"), 2u) << assigned.text();
      EXPECT_EQ(assigned.Str("/messages/0/text"), "one");
      EXPECT_EQ(assigned.Str("/messages/1/text"), "one more");
      EXPECT_GE(assigned.Int("/waited_ms").value_or(-1), stopped_ms - oldest_arrival) << assigned.text();
    }
  }
}

TEST_P(RestartTest, DedupKeysComeBackAndARetryAfterTheRestartIsNotRoutedAgain) {
  StartDaemon();
  SendWeb("dup-1", "c1", "hello");
  Send(WhatsAppText("wamid.dup", "34600000002", "hola"));
  WaitForMessages(2);

  Restart();
  EXPECT_EQ(daemon().recovery().dedup_keys, 2u);
  // The providers retry (signed again, as they would be).
  SendWeb("dup-1", "c1", "hello");
  Send(WhatsAppText("wamid.dup", "34600000002", "hola"));
  // Something new afterwards: once the router has it, it has everything sent before.
  SendWeb("new-1", "c9", "new");
  WaitForMessages(3);
  const std::vector<RouterSession> sessions = Sessions();
  ASSERT_EQ(sessions.size(), 3u);
  for (const RouterSession& s : sessions) EXPECT_EQ(s.messages, 1u) << s.customer;
  EXPECT_EQ(Metric("routerd_webhook_duplicates_total{kind=\"web\"}"), 1u);
  EXPECT_EQ(Metric("routerd_webhook_duplicates_total{kind=\"whatsapp\"}"), 1u);
  EXPECT_EQ(Metric("routerd_webhook_contacts_accepted_total{kind=\"web\"}"), 1u);
  EXPECT_EQ(Metric("routerd_webhook_contacts_accepted_total{kind=\"whatsapp\"}"), 0u);
  auto probe = Probe();
  ASSERT_NE(probe, nullptr);
  EXPECT_EQ(probe->CountOr("SELECT COUNT(*) FROM contacts", -1), 3);
}

TEST_P(RestartTest, LeaveMessagesComeBackAndTheirContactsAreNotRoutedAgain) {
  StartDaemon();
  SendWeb("s-1", "k1", "first in small", kSmallChannel);  // waits in "small" (room for one)
  SendWeb("s-2", "k2", "second in small", kSmallChannel);  // overflows: a leave message
  Send(WebEvent(kWebChannel, "lm-1", "leave_message", "k3", "please call me back"));
  ASSERT_TRUE(WaitUntil([&] { return Admin("/api/v1/messages").Json().Int("/total") == 2; }))
      << Admin("/api/v1/messages").body;
  WaitForMessages(1);

  Restart();
  const daemon::Daemon::Recovery& r = daemon().recovery();
  EXPECT_EQ(r.leave_messages, 2u);
  EXPECT_EQ(r.waiting_sessions, 1u);
  EXPECT_EQ(r.pending_contacts, 0u);
  EXPECT_EQ(r.dedup_keys, 3u);
  const gateway_test::HttpReply list = Admin("/api/v1/messages");
  ASSERT_EQ(list.status, 200) << list.body;
  const JsonDoc messages = list.Json();
  ASSERT_EQ(messages.Int("/total"), 2) << list.body;
  std::map<std::string, std::pair<std::string, std::string>> by_customer;  // -> (reason, text)
  for (std::size_t i = 0; i < 2; ++i) {
    const std::string at = "/messages/" + std::to_string(i);
    by_customer[messages.Str(at + "/contact_number").value_or("?")] = {messages.Str(at + "/reason").value_or("?"),
                                                                       messages.Str(at + "/text").value_or("?")};
  }
  EXPECT_EQ(by_customer["k2"], std::make_pair(std::string("queue_full"), std::string("second in small")))
      << list.body;
  EXPECT_EQ(by_customer["k3"], std::make_pair(std::string("customer"), std::string("please call me back")))
      << list.body;

  // Only k1 waits; the leave messages' contacts did not come back as sessions.
  SendWeb("s-3", "k9", "after", kWebChannel);
  WaitForMessages(2);
  EXPECT_EQ(WaitingCustomers("small"), std::vector<std::string>{"k1"});
  EXPECT_EQ(WaitingCustomers("chat"), std::vector<std::string>{"k9"});
  // A retry of the leave message is a duplicate: still two.
  Send(WebEvent(kWebChannel, "lm-1", "leave_message", "k3", "please call me back"));
  EXPECT_EQ(Admin("/api/v1/messages").Json().Int("/total"), 2);
  EXPECT_EQ(Metric("routerd_webhook_duplicates_total{kind=\"web\"}"), 1u);
}

TEST_P(RestartTest, SessionIdsContinueAboveEndedSessions) {
  StartDaemon();
  std::vector<std::string> ids;
  {
    auto a1 = ConnectReady("a1", kA1Token);
    SendWeb("e-1", "c1", "one");
    SendWeb("e-2", "c2", "two");
    for (int i = 0; i < 2; ++i) ids.push_back(a1->NextOfType("assigned").Str("/session_id").value_or("?"));
    for (const std::string& id : ids) {
      a1->Ack(R"("type":"close","session_id":")" + id + "\"");
      EXPECT_EQ(a1->NextOfType("session_ended").Str("/session_id"), id);
    }
  }
  ASSERT_TRUE(Sessions().empty());

  Restart();
  EXPECT_EQ(daemon().recovery().waiting_sessions, 0u);
  EXPECT_EQ(daemon().recovery().assigned_sessions, 0u);
  auto probe = Probe();
  ASSERT_NE(probe, nullptr);
  EXPECT_EQ(probe->CountOr("SELECT COUNT(*) FROM sessions WHERE end_reason = 'closed'", -1), 2);
  SendWeb("e-3", "c3", "three");
  WaitForMessages(1);
  const auto c3 = SessionOf("c3");
  ASSERT_TRUE(c3.has_value());
  for (const std::string& id : ids) EXPECT_GT(c3->id, std::stoull(id));
}

// A transfer to a skill queue moves the session in the router; the journal
// records the move (kSessionQueued), so a restart brings the session back in
// the queue it was transferred to, not the one it was opened in.
TEST_P(RestartTest, ASessionTransferredToAnotherQueueStillWaitsThereAfterARestart) {
  StartDaemon();
  std::string sid;
  {
    auto a1 = ConnectReady("a1", kA1Token);
    SendWeb("t-1", "c1", "I need a senior");
    sid = a1->NextOfType("assigned").Str("/session_id").value_or("?");
    a1->Ack(R"("type":"transfer","to_queue":"senior","session_id":")" + sid + "\"");
    const JsonDoc ended = a1->NextOfType("session_ended");
    EXPECT_EQ(ended.Str("/reason"), "transferred") << ended.text();
  }
  EXPECT_EQ(WaitingCustomers("senior"), std::vector<std::string>{"c1"});
  EXPECT_TRUE(WaitingCustomers("chat").empty());

  Restart();
  EXPECT_EQ(daemon().recovery().waiting_sessions, 1u);
  EXPECT_EQ(WaitingCustomers("senior"), std::vector<std::string>{"c1"});
  EXPECT_TRUE(WaitingCustomers("chat").empty());
  const JsonDoc session = Admin("/api/v1/sessions/" + sid).Json();
  EXPECT_EQ(session.Str("/skill_queue"), "senior") << session.text();
}

// With session_history_limit = 2, a waiting session that receives a third
// message drops the second from the router's history. The journal names every
// message joining a session as it joins (kMessageQueued), so the dropped one
// is not left "pending" to open a new session for a conversation the agent
// closed after a restart.
TEST_P(RestartTest, AMessageBeyondTheHistoryLimitDoesNotReopenAClosedConversation) {
  DurabilityConfig config;
  config.history_limit = 2;
  StartDaemon(config);
  SendWeb("h-1", "c1", "first");
  SendWeb("h-2", "c1", "second");
  SendWeb("h-3", "c1", "third");
  ASSERT_TRUE(WaitUntil([&] {
    const auto c1 = SessionOf("c1");
    return c1 && c1->last_text == "third";
  }));
  {
    auto a1 = ConnectReady("a1", kA1Token);
    const JsonDoc assigned = a1->NextOfType("assigned");
    EXPECT_EQ(assigned.Size("/messages"), 2u) << assigned.text();  // the first and the newest
    const std::string sid = assigned.Str("/session_id").value_or("?");
    a1->Ack(R"("type":"close","session_id":")" + sid + "\"");
    EXPECT_EQ(a1->NextOfType("session_ended").Str("/reason"), "closed");
  }
  ASSERT_TRUE(Sessions().empty());

  Restart();
  EXPECT_EQ(daemon().recovery().pending_contacts, 0u);
  const std::vector<RouterSession> reopened = Sessions();
  EXPECT_TRUE(reopened.empty()) << "a session for " << reopened.front().customer << " holding \""
                                << reopened.front().last_text << "\" opened after the restart";
}

}  // namespace
}  // namespace routerd::durability
