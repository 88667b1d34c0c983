// Session priority over the real daemon: a queue's waiting sessions listed in
// the order they will be served, and an administrator moving one ahead.
#include <gtest/gtest.h>

#include "tests/gateway/gateway_fixture.h"

namespace routerd::gateway_test {
namespace {

using PriorityTest = GatewayTest;

TEST_F(PriorityTest, AnAdministratorMovesAWaitingSessionAheadAndTheAgentGetsItFirst) {
  StartDaemon();
  DeliverWeb(kAcmeWeb, "cust-1", "Ana", "first");
  DeliverWeb(kAcmeWeb, "cust-2", "Bo", "second");
  HttpReply reply = Api("GET", "/api/v1/queues/chat/waiting", kAcmeAdmin);
  ASSERT_EQ(reply.status, 200) << reply.body;
  JsonDoc waiting = reply.Json();
  ASSERT_EQ(waiting.Int("/waiting"), 2) << reply.body;
  EXPECT_EQ(waiting.Str("/sessions/0/customer/id"), "cust-1");
  EXPECT_EQ(waiting.Int("/sessions/0/priority"), 0);
  EXPECT_EQ(waiting.Str("/sessions/0/priority_origin"), "queue");
  EXPECT_TRUE(waiting.Has("/sessions/0/waiting_ms"));
  EXPECT_TRUE(waiting.Has("/sessions/0/age_ms"));
  EXPECT_FALSE(waiting.Has("/sessions/0/messages")) << reply.body;
  const std::string second = *waiting.Str("/sessions/1/session_id");

  // Mistakes, each named; an agent may not reorder the queue.
  const std::string target = "/api/v1/sessions/" + second + "/priority";
  EXPECT_EQ(Api("PUT", target, kA1Token, R"({"priority":3})").status, 403);
  reply = Api("PUT", target, kAcmeAdmin, R"({"priority":10})");
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find("priority must be an integer 0..9"), std::string::npos) << reply.body;
  EXPECT_EQ(Api("PUT", target, kAcmeAdmin, R"({"urgency":3})").status, 400);
  EXPECT_EQ(Api("POST", target, kAcmeAdmin, R"({"priority":3})").status, 405);
  EXPECT_EQ(Api("PUT", "/api/v1/sessions/999/priority", kAcmeAdmin, R"({"priority":3})").status, 404);
  EXPECT_EQ(Api("GET", "/api/v1/queues/nowhere/waiting", kAcmeAdmin).status, 404);
  EXPECT_EQ(Api("GET", "/api/v1/queues/chat/waiting", kA1Token).status, 403);

  reply = Api("PUT", target, kAcmeAdmin, R"({"priority":3})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  waiting = Api("GET", "/api/v1/queues/chat/waiting", kAcmeAdmin).Json();
  EXPECT_EQ(waiting.Str("/sessions/0/session_id"), second) << waiting.text();
  EXPECT_EQ(waiting.Int("/sessions/0/priority"), 3);
  EXPECT_EQ(waiting.Str("/sessions/0/priority_origin"), "session");

  auto a1 = ConnectReady("a1", kA1Token);
  const JsonDoc assigned = a1->NextOfType("assigned");
  EXPECT_EQ(assigned.Str("/session_id"), second) << assigned.text();
  reply = Api("GET", "/api/v1/sessions/" + second, kAcmeAdmin);
  EXPECT_EQ(reply.Json().Int("/route/priority"), 3) << reply.body;

  // Cleared: the queue's priority applies again.
  reply = Api("DELETE", target, kAcmeAdmin);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(Api("GET", "/api/v1/sessions/" + second, kAcmeAdmin).Json().Str("/priority_origin"), "queue");
}

}  // namespace
}  // namespace routerd::gateway_test
