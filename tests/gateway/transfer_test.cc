// Transfers over the WebSocket and REST: to a skill queue (served there in
// its turn), to an agent with capacity, and the refusals.
#include <gtest/gtest.h>

#include "tests/gateway/gateway_fixture.h"

namespace routerd::gateway_test {
namespace {

using TransferTest = GatewayTest;

void ExpectError(const JsonDoc& answer, std::string_view error, std::string_view detail) {
  EXPECT_EQ(answer.Str("/type"), "error") << answer.text();
  EXPECT_EQ(answer.Str("/error"), error) << answer.text();
  EXPECT_EQ(answer.Str("/detail"), detail) << answer.text();
}

TEST_F(TransferTest, ToAQueueThenToAnAgentAndTheRefusals) {
  GatewayConfig config;
  config.a1_cap = 1;
  StartDaemon(config);
  auto a1 = ConnectReady("a1", kA1Token);
  auto a3 = ConnectReady("a3", kA3Token);  // serves billing
  DeliverWeb(kAcmeWeb, "cust-1", "Ana", "I was charged twice");
  const std::string sid = a1->NextOfType("assigned").Str("/session_id").value_or("?");
  auto a2 = ConnectReady("a2", kA2Token);

  // To a skill queue: billing's agent gets it.
  a1->Ack(R"("type":"transfer","session_id":")" + sid + R"(","to_queue":"billing")");
  JsonDoc ended = a1->NextOfType("session_ended");
  EXPECT_EQ(ended.Str("/session_id"), sid) << ended.text();
  EXPECT_EQ(ended.Str("/reason"), "transferred");
  EXPECT_EQ(ended.Int("/active_sessions"), 0);
  JsonDoc assigned = a3->NextOfType("assigned");
  {
    SCOPED_TRACE(assigned.text());
    EXPECT_EQ(assigned.Str("/session_id"), sid);
    EXPECT_EQ(assigned.Str("/customer/id"), "cust-1");
    EXPECT_EQ(assigned.Str("/channel/id"), "acme-web");
    EXPECT_EQ(assigned.Str("/skill_queue"), "billing");
    EXPECT_EQ(assigned.Str("/route/strategy"), "longest_idle");
    EXPECT_EQ(assigned.Int("/route/effective_cap"), 5);
    ASSERT_EQ(assigned.Size("/messages"), 1u);
    EXPECT_EQ(assigned.Str("/messages/0/text"), "I was charged twice");
  }

  // To an agent with capacity (the session id given as a number this time).
  a3->Ack(R"("type":"transfer","session_id":)" + sid + R"(,"to_agent":"a2")");
  ended = a3->NextOfType("session_ended");
  EXPECT_EQ(ended.Str("/session_id"), sid) << ended.text();
  EXPECT_EQ(ended.Str("/reason"), "transferred");
  assigned = a2->NextOfType("assigned");
  {
    SCOPED_TRACE(assigned.text());
    EXPECT_EQ(assigned.Str("/session_id"), sid);
    EXPECT_EQ(assigned.Str("/skill_queue"), "billing");
    EXPECT_EQ(assigned.Str("/route/strategy"), "transfer");
    EXPECT_EQ(assigned.Int("/active_sessions"), 1);
  }
  HttpReply reply = Api("GET", "/api/v1/sessions/" + sid, kAcmeAdmin);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Json().Str("/employee_id"), "a2") << reply.body;
  EXPECT_EQ(reply.Json().Str("/route/queue"), "billing") << reply.body;
  EXPECT_EQ(reply.Json().Str("/route/strategy"), "transfer") << reply.body;

  // a1 (cap 1) takes the next customer and is then full.
  DeliverWeb(kAcmeWeb, "cust-2", "Bo", "hello");
  const std::string a1_sid = a1->NextOfType("assigned").Str("/session_id").value_or("?");

  const std::string prefix = R"("type":"transfer","session_id":")" + sid + "\",";
  ExpectError(a2->Request(prefix + R"("to_agent":"a1")"), "conflict", "the target agent has no free capacity");
  ExpectError(a2->Request(prefix + R"("to_queue":"nowhere")"), "not_found", "to_queue: no such skill queue");
  ExpectError(a2->Request(prefix + R"("to_agent":"nobody")"), "not_found", "to_agent: no such agent");
  ExpectError(a2->Request(prefix + R"("to_agent":"g1")"), "not_found", "to_agent: no such agent");  // another tenant's
  ExpectError(a2->Request(prefix + R"("to_queue":"chat","preferred_agent":"nobody")"), "not_found",
              "preferred_agent: no such agent");
  ExpectError(a2->Request(prefix + R"("to_agent":"a3","preferred_agent":"a1")"), "bad_request",
              "preferred_agent goes with to_queue (to_agent hands the session over at once)");
  ExpectError(a2->Request(prefix + R"("to_queue":7)"), "bad_request", "to_queue must be a string");
  ExpectError(a2->Request(prefix + R"("to_queue":"phone")"), "conflict", "the target is a voice queue");
  ExpectError(a2->Request(prefix + R"("to_agent":"v1")"), "conflict",
              "the target agent does not take multimedia sessions");
  ExpectError(a2->Request(prefix + R"("to_agent":"a2")"), "bad_request", "the session is already with that agent");
  ExpectError(a2->Request(prefix + R"("to_agent":"a3","to_queue":"chat")"), "bad_request",
              "give exactly one of to_queue and to_agent (strings)");
  ExpectError(a2->Request(R"("type":"transfer","session_id":")" + a1_sid + R"(","to_queue":"chat")"), "not_found",
              "no such session for this agent");
  // None of that moved anything.
  reply = Api("GET", "/api/v1/agents/a2/state", kA2Token);
  EXPECT_EQ(reply.Json().Str("/sessions/0"), sid) << reply.body;
  EXPECT_EQ(reply.Json().Int("/active_sessions"), 1) << reply.body;

  // Over REST, by the admin.
  reply = Api("POST", "/api/v1/sessions/" + sid + "/transfer", kAcmeAdmin, R"({"to_queue":"nowhere"})");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.body, R"({"error":"not_found","detail":"to_queue: no such skill queue"})");
  reply = Api("POST", "/api/v1/sessions/" + sid + "/transfer", kAcmeAdmin, R"({"to_agent":"a1"})");
  EXPECT_EQ(reply.status, 409);
  EXPECT_EQ(reply.body, R"({"error":"conflict","detail":"the target agent has no free capacity"})");
  reply = Api("POST", "/api/v1/sessions/" + sid + "/transfer", kAcmeAdmin, R"({"queue":"chat"})");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body, R"({"error":"bad_request","detail":"unknown field 'queue'"})");
  reply = Api("POST", "/api/v1/sessions/" + sid + "/transfer", kAcmeAdmin, R"({"to_agent":"a3"})");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(a2->NextOfType("session_ended").Str("/reason"), "transferred");
  assigned = a3->NextOfType("assigned");
  EXPECT_EQ(assigned.Str("/session_id"), sid) << assigned.text();
  EXPECT_EQ(assigned.Str("/route/strategy"), "transfer");
  // a2 no longer holds it: its own token cannot move it.
  reply = Api("POST", "/api/v1/sessions/" + sid + "/transfer", kA2Token, R"({"to_queue":"chat"})");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.body, R"({"error":"not_found","detail":"no such session for this agent"})");
}

}  // namespace
}  // namespace routerd::gateway_test
