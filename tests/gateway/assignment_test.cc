// Contacts from a signed web webhook reach agents over their WebSocket:
// `assigned` with everything about the session, then `message` for the same
// customer; `close` frees capacity for the oldest waiting session; the admin
// views of queues and sessions.
#include <gtest/gtest.h>

#include "tests/gateway/gateway_fixture.h"

namespace routerd::gateway_test {
namespace {

using AssignmentTest = GatewayTest;

bool IsDecimal(const std::optional<std::string>& s) {
  if (!s || s->empty()) return false;
  for (char c : *s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

TEST_F(AssignmentTest, ContactReachesTheReadyAgentAsAssignedThenAsMessages) {
  StartDaemon();
  auto a1 = ConnectReady("a1", kA1Token);
  const std::string e1 = DeliverWeb(kAcmeWeb, "cust-1", "Ana", "hello, I need help");

  const JsonDoc assigned = a1->NextOfType("assigned");
  SCOPED_TRACE(assigned.text());
  const std::optional<std::string> sid = assigned.Str("/session_id");
  ASSERT_TRUE(IsDecimal(sid));
  EXPECT_EQ(assigned.Str("/channel/kind"), "web");
  EXPECT_EQ(assigned.Str("/channel/id"), "acme-web");
  EXPECT_EQ(assigned.Str("/customer/id"), "cust-1");
  EXPECT_EQ(assigned.Str("/customer/name"), "Ana");
  EXPECT_EQ(assigned.Str("/skill_queue"), "chat");
  ASSERT_TRUE(assigned.Int("/waited_ms").has_value());
  EXPECT_GE(*assigned.Int("/waited_ms"), 0);
  EXPECT_EQ(assigned.Str("/route/strategy"), "least_busy");
  EXPECT_EQ(assigned.Int("/route/effective_cap"), 5);
  EXPECT_EQ(assigned.Str("/route/cap_origin"), "tenant");
  EXPECT_FALSE(assigned.Has("/route/cap_origin_ou"));
  EXPECT_EQ(assigned.Int("/active_sessions"), 1);
  EXPECT_EQ(assigned.Size("/messages"), 1u);
  EXPECT_EQ(assigned.Str("/messages/0/id"), e1);
  EXPECT_EQ(assigned.Str("/messages/0/text"), "hello, I need help");
  EXPECT_EQ(assigned.Int("/messages/0/sent_at_ms"), kSentAtMs);
  EXPECT_GT(assigned.Int("/messages/0/received_at_ms").value_or(0), 0);
  EXPECT_EQ(assigned.Size("/messages/0/attachments"), 0u);

  // The same customer again: a message in the open session, not a new one.
  const std::string e2 = DeliverWeb(kAcmeWeb, "cust-1", "Ana", "order #1042");
  const JsonDoc message = a1->NextOfType("message");
  EXPECT_EQ(message.Str("/session_id"), sid) << message.text();
  EXPECT_EQ(message.Str("/message/id"), e2);
  EXPECT_EQ(message.Str("/message/text"), "order #1042");
  EXPECT_EQ(message.Int("/message/sent_at_ms"), kSentAtMs);
  EXPECT_EQ(message.Size("/message/attachments"), 0u);
  EXPECT_EQ(message.Size(""), 3u) << message.text();  // type, session_id, message

  // Another customer: a second session for the same agent.
  DeliverWeb(kAcmeWeb, "cust-2", "Bo", "hi");
  const JsonDoc second = a1->NextOfType("assigned");
  EXPECT_TRUE(IsDecimal(second.Str("/session_id")));
  EXPECT_NE(second.Str("/session_id"), sid);
  EXPECT_EQ(second.Str("/customer/id"), "cust-2");
  EXPECT_EQ(second.Int("/active_sessions"), 2);

  // Nothing else came: every frame read was consumed (acks and states were
  // taken by ConnectReady).
  EXPECT_EQ(a1->unread(), 0u);

  const HttpReply sessions = Api("GET", "/api/v1/agents/a1/sessions", kA1Token);
  ASSERT_EQ(sessions.status, 200) << sessions.body;
  const JsonDoc list = sessions.Json();
  ASSERT_EQ(list.Size("/sessions"), 2u) << sessions.body;
}

TEST_F(AssignmentTest, MessagesSentWhileWaitingArriveWithTheAssignment) {
  StartDaemon();
  const std::string e1 = DeliverWeb(kAcmeWeb, "cust-1", "Ana", "first");
  const std::string e2 = DeliverWeb(kAcmeWeb, "cust-1", "Ana", "second");

  const HttpReply queues = Api("GET", "/api/v1/queues", kAcmeAdmin);
  ASSERT_EQ(queues.status, 200) << queues.body;
  EXPECT_EQ(queues.Json().Str("/queues/0/id"), "chat");
  EXPECT_EQ(queues.Json().Int("/queues/0/waiting"), 1) << queues.body;

  auto a1 = ConnectReady("a1", kA1Token);
  const JsonDoc assigned = a1->NextOfType("assigned");
  SCOPED_TRACE(assigned.text());
  EXPECT_EQ(assigned.Str("/customer/id"), "cust-1");
  ASSERT_EQ(assigned.Size("/messages"), 2u);
  EXPECT_EQ(assigned.Str("/messages/0/id"), e1);
  EXPECT_EQ(assigned.Str("/messages/0/text"), "first");
  EXPECT_EQ(assigned.Str("/messages/1/id"), e2);
  EXPECT_EQ(assigned.Str("/messages/1/text"), "second");
  EXPECT_GE(assigned.Int("/waited_ms").value_or(-1), 0);
}

TEST_F(AssignmentTest, CloseFreesCapacityAndTheOldestWaitingSessionIsAssignedAtOnce) {
  GatewayConfig config;
  config.a1_cap = 1;
  StartDaemon(config);
  auto a1 = ConnectReady("a1", kA1Token);

  DeliverWeb(kAcmeWeb, "cust-1", "Ana", "one");
  const JsonDoc first = a1->NextOfType("assigned");
  EXPECT_EQ(first.Str("/customer/id"), "cust-1");
  EXPECT_EQ(first.Int("/route/effective_cap"), 1);
  EXPECT_EQ(first.Str("/route/cap_origin"), "agent");
  const std::string sid1 = first.Str("/session_id").value_or("?");

  DeliverWeb(kAcmeWeb, "cust-2", "Bo", "two");
  DeliverWeb(kAcmeWeb, "cust-3", "Cy", "three");
  HttpReply queues = Api("GET", "/api/v1/queues", kAcmeAdmin);
  EXPECT_EQ(queues.Json().Int("/queues/0/waiting"), 2) << queues.body;
  EXPECT_EQ(queues.Json().Int("/queues/0/free_capacity"), 0) << queues.body;

  a1->Ack(R"("type":"close","session_id":")" + sid1 + "\"");
  const JsonDoc ended = a1->NextOfType("session_ended");
  EXPECT_EQ(ended.Str("/session_id"), sid1) << ended.text();
  EXPECT_EQ(ended.Str("/reason"), "closed");
  EXPECT_EQ(ended.Int("/active_sessions"), 0);
  // The unit is given at once to the session that waited longest.
  const JsonDoc next = a1->NextOfType("assigned");
  EXPECT_EQ(next.Str("/customer/id"), "cust-2") << next.text();
  EXPECT_EQ(next.Int("/active_sessions"), 1);
  ASSERT_EQ(next.Size("/messages"), 1u);
  EXPECT_EQ(next.Str("/messages/0/text"), "two");

  queues = Api("GET", "/api/v1/queues", kAcmeAdmin);
  EXPECT_EQ(queues.Json().Int("/queues/0/waiting"), 1) << queues.body;

  // The closed session is gone: closing it again is an error, and so is a
  // session id as a number that no one holds.
  const JsonDoc again = a1->Request(R"("type":"close","session_id":")" + sid1 + "\"");
  EXPECT_EQ(again.Str("/type"), "error") << again.text();
  EXPECT_EQ(again.Str("/error"), "not_found");
  EXPECT_EQ(again.Str("/detail"), "no such session for this agent");
  const JsonDoc bad = a1->Request(R"("type":"close","session_id":"abc")");
  EXPECT_EQ(bad.Str("/error"), "bad_request") << bad.text();
  EXPECT_EQ(bad.Str("/detail"), "session_id must be a session id");

  // Closing over REST works the same: cust-3 follows.
  const std::string sid2 = next.Str("/session_id").value_or("?");
  const HttpReply closed = Api("POST", "/api/v1/sessions/" + sid2 + "/close", kA1Token);
  EXPECT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(closed.body, R"({"ok":true})");
  EXPECT_EQ(a1->NextOfType("session_ended").Str("/session_id"), sid2);
  EXPECT_EQ(a1->NextOfType("assigned").Str("/customer/id"), "cust-3");
}

TEST_F(AssignmentTest, QueuesAndSessionsShowWaitingCapacityAndTheRouteTrace) {
  GatewayConfig config;
  config.a1_cap = 1;
  StartDaemon(config);
  auto a1 = ConnectReady("a1", kA1Token);
  auto a2 = Connect("a2", kA2Token);
  HttpReply reply = Api("PUT", "/api/v1/agents/a2/state", kA2Token, R"({"state":"signed_in"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.body, R"({"ok":true})");
  EXPECT_EQ(a2->NextOfType("state").Str("/state"), "not_ready");

  DeliverWeb(kAcmeWeb, "cust-1", "Ana", "one");
  const std::string sid1 = a1->NextOfType("assigned").Str("/session_id").value_or("?");
  DeliverWeb(kAcmeWeb, "cust-2", "Bo", "two");
  DeliverWeb(kAcmeWeb, "cust-3", "Cy", "three");

  reply = Api("GET", "/api/v1/queues", kAcmeAdmin);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Header("Content-Type"), "application/json");
  JsonDoc q = reply.Json();
  SCOPED_TRACE(reply.body);
  ASSERT_EQ(q.Size("/queues"), 3u);
  EXPECT_EQ(q.Str("/queues/0/id"), "chat");
  EXPECT_EQ(q.Str("/queues/0/media"), "multimedia");
  EXPECT_EQ(q.Int("/queues/0/waiting"), 2);
  EXPECT_GE(q.Int("/queues/0/oldest_wait_ms").value_or(-1), 0);
  EXPECT_EQ(q.Int("/queues/0/agents_serving"), 2);  // a1 ready, a2 not ready
  EXPECT_EQ(q.Int("/queues/0/free_capacity"), 0);   // a1 is full, a2 rests
  EXPECT_EQ(q.Str("/queues/1/id"), "billing");
  EXPECT_EQ(q.Int("/queues/1/waiting"), 0);
  EXPECT_EQ(q.Int("/queues/1/oldest_wait_ms"), 0);
  EXPECT_EQ(q.Int("/queues/1/agents_serving"), 0);
  EXPECT_EQ(q.Int("/queues/1/free_capacity"), 0);
  EXPECT_EQ(q.Int("/queues/1/required_skills/german"), 2);
  EXPECT_EQ(q.Size("/queues/0/required_skills"), 0u);
  EXPECT_EQ(q.Str("/queues/2/id"), "phone");
  EXPECT_EQ(q.Str("/queues/2/media"), "voice");

  // a2 goes ready over REST with its own token: both waiting sessions go to it.
  reply = Api("PUT", "/api/v1/agents/a2/state", kA2Token, R"({"state":"ready"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const JsonDoc to_a2 = a2->NextOfType("assigned");
  EXPECT_EQ(to_a2.Str("/customer/id"), "cust-2") << to_a2.text();
  EXPECT_EQ(a2->NextOfType("assigned").Str("/customer/id"), "cust-3");

  q = Api("GET", "/api/v1/queues", kAcmeAdmin).Json();
  EXPECT_EQ(q.Int("/queues/0/waiting"), 0) << q.text();
  EXPECT_EQ(q.Int("/queues/0/oldest_wait_ms"), 0);
  EXPECT_EQ(q.Int("/queues/0/agents_serving"), 2);
  EXPECT_EQ(q.Int("/queues/0/free_capacity"), 3);  // a2: 5 - 2

  reply = Api("GET", "/api/v1/sessions/" + sid1, kAcmeAdmin);
  ASSERT_EQ(reply.status, 200) << reply.body;
  JsonDoc s = reply.Json();
  EXPECT_EQ(s.Str("/session_id"), sid1);
  EXPECT_EQ(s.Str("/channel/kind"), "web");
  EXPECT_EQ(s.Str("/channel/id"), "acme-web");
  EXPECT_EQ(s.Str("/customer/id"), "cust-1");
  EXPECT_EQ(s.Str("/customer/name"), "Ana");
  EXPECT_EQ(s.Str("/skill_queue"), "chat");
  EXPECT_EQ(s.Str("/state"), "assigned");
  EXPECT_EQ(s.Str("/employee_id"), "a1");
  EXPECT_EQ(s.Str("/route/queue"), "chat");
  EXPECT_EQ(s.Str("/route/strategy"), "least_busy");
  EXPECT_GE(s.Int("/route/waited_ms").value_or(-1), 0);
  EXPECT_EQ(s.Int("/route/effective_cap"), 1);
  EXPECT_EQ(s.Str("/route/cap_origin"), "agent");
  EXPECT_EQ(s.Int("/messages_count"), 1);
  ASSERT_EQ(s.Size("/messages"), 1u);
  EXPECT_EQ(s.Str("/messages/0/text"), "one");

  reply = Api("GET", "/api/v1/sessions/" + to_a2.Str("/session_id").value_or("?"), kAcmeAdmin);
  ASSERT_EQ(reply.status, 200) << reply.body;
  s = reply.Json();
  EXPECT_EQ(s.Str("/employee_id"), "a2");
  EXPECT_EQ(s.Int("/route/effective_cap"), 5);
  EXPECT_EQ(s.Str("/route/cap_origin"), "tenant");
  EXPECT_GE(s.Int("/route/waited_ms").value_or(-1), 0);

  reply = Api("GET", "/api/v1/sessions/12345", kAcmeAdmin);
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.body, R"x({"error":"not_found","detail":"no such session (open, or ended within the retention time)"})x");
}

}  // namespace
}  // namespace routerd::gateway_test
