// Agent states over the real daemon: not ready with one of the tenant's
// reasons (REST and WebSocket, refused with the allowed list otherwise), and
// after-contact work that holds the unit a closed session frees until it ends
// or the agent ends it.
#include <gtest/gtest.h>

#include "tests/gateway/gateway_fixture.h"

namespace routerd::gateway_test {
namespace {

using AgentStatesTest = GatewayTest;

TEST_F(AgentStatesTest, NotReadyCarriesOneOfTheTenantsReasons) {
  StartDaemon();
  auto a1 = ConnectReady("a1", kA1Token);
  a1->Ack(R"("type":"not_ready","reason":"lunch")");
  const JsonDoc state = a1->NextOfType("state");
  EXPECT_EQ(state.Str("/state"), "not_ready") << state.text();
  EXPECT_EQ(state.Str("/not_ready_reason"), "lunch") << state.text();

  HttpReply reply = Api("GET", "/api/v1/agents/a1/state", kA1Token);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Json().Str("/not_ready_reason"), "lunch") << reply.body;
  reply = Api("GET", "/api/v1/agents", kAcmeAdmin);
  EXPECT_EQ(reply.Json().Str("/agents/0/not_ready_reason"), "lunch") << reply.body;
  // Skills as configured: none for a1, two for a3.
  EXPECT_EQ(reply.Json().Size("/agents/0/skills"), 0u) << reply.body;
  EXPECT_EQ(reply.Json().Int("/agents/2/skills/german"), 6) << reply.body;
  EXPECT_EQ(reply.Json().Int("/agents/2/skills/french"), 3) << reply.body;

  // Over REST, another reason.
  reply = Api("PUT", "/api/v1/agents/a1/state", kA1Token, R"({"state":"not_ready","reason":"training"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(a1->NextOfType("state").Str("/not_ready_reason"), "training");

  // Mistakes name the field and what is allowed; nothing changes.
  reply = Api("PUT", "/api/v1/agents/a1/state", kA1Token, R"({"state":"not_ready","reason":"nap"})");
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find(R"(reason \"nap\" is not a not-ready reason of this tenant)"), std::string::npos)
      << reply.body;
  EXPECT_NE(reply.body.find(R"(\"break\", \"lunch\", \"meeting\", \"training\")"), std::string::npos) << reply.body;
  reply = Api("PUT", "/api/v1/agents/a1/state", kA1Token, R"({"state":"ready","reason":"lunch"})");
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find("reason is only for not_ready"), std::string::npos) << reply.body;
  reply = Api("PUT", "/api/v1/agents/a1/state", kA1Token, R"({"state":"not_ready","reason":7})");
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find("reason must be a string"), std::string::npos) << reply.body;
  const JsonDoc refused = a1->Request(R"("type":"not_ready","reason":"nap")");
  EXPECT_EQ(refused.Str("/type"), "error") << refused.text();
  EXPECT_EQ(refused.Str("/error"), "bad_request");
  reply = Api("GET", "/api/v1/agents/a1/state", kA1Token);
  EXPECT_EQ(reply.Json().Str("/not_ready_reason"), "training") << reply.body;

  // Ready again: the reason is gone.
  a1->Ack(R"("type":"ready")");
  const JsonDoc ready = a1->NextOfType("state");
  EXPECT_EQ(ready.Str("/state"), "ready");
  EXPECT_FALSE(ready.Has("/not_ready_reason")) << ready.text();
}

TEST_F(AgentStatesTest, AfterContactWorkHoldsTheUnitUntilTheAgentEndsIt) {
  GatewayConfig config;
  config.a1_cap = 1;
  config.chat_wrap_up_seconds = 600;
  StartDaemon(config);
  auto a1 = ConnectReady("a1", kA1Token);
  DeliverWeb(kAcmeWeb, "cust-1", "Ana", "hello");
  const std::string s1 = *a1->NextOfType("assigned").Str("/session_id");
  a1->Ack(R"("type":"close","session_id":")" + s1 + R"(")");
  const JsonDoc ended = a1->NextOfType("session_ended");
  EXPECT_EQ(ended.Int("/wrap_up_ms"), 600000) << ended.text();
  EXPECT_EQ(ended.Int("/active_sessions"), 0);
  const JsonDoc state = a1->NextOfType("state");
  EXPECT_EQ(state.Int("/wrap_ups"), 1) << state.text();

  // The unit stays taken: a new customer waits (a2 is not signed in).
  DeliverWeb(kAcmeWeb, "cust-2", "Bo", "anyone?");
  HttpReply reply = Api("GET", "/api/v1/queues", kAcmeAdmin);
  ASSERT_EQ(reply.status, 200) << reply.body;
  const JsonDoc queues = reply.Json();
  EXPECT_EQ(queues.Str("/queues/0/id"), "chat");
  EXPECT_EQ(queues.Int("/queues/0/waiting"), 1) << reply.body;
  EXPECT_EQ(queues.Int("/queues/0/agents_in_wrap_up"), 1) << reply.body;
  EXPECT_EQ(queues.Int("/queues/0/free_capacity"), 0) << reply.body;
  reply = Api("GET", "/api/v1/agents/a1/state", kA1Token);
  const JsonDoc agent = reply.Json();
  EXPECT_EQ(agent.Str("/state"), "ready") << reply.body;
  EXPECT_EQ(agent.Str("/wrap_ups/0/session_id"), s1) << reply.body;
  EXPECT_EQ(agent.Str("/wrap_ups/0/skill_queue"), "chat");
  EXPECT_GT(agent.Int("/wrap_ups/0/remaining_ms").value_or(0), 500000) << reply.body;

  // Another agent's token may not end it; a session id that is not one is 404.
  EXPECT_EQ(Api("DELETE", "/api/v1/agents/a1/wrap-ups/" + s1, kA2Token).status, 403);
  EXPECT_EQ(Api("DELETE", "/api/v1/agents/a1/wrap-ups/x", kA1Token).status, 404);
  EXPECT_EQ(Api("POST", "/api/v1/agents/a1/wrap-ups", kA1Token).status, 405);
  // Ending it frees the unit: cust-2 is assigned at once.
  reply = Api("DELETE", "/api/v1/agents/a1/wrap-ups/" + s1, kA1Token);
  ASSERT_EQ(reply.status, 200) << reply.body;
  const std::string s2 = *a1->NextOfType("assigned").Str("/session_id");
  EXPECT_EQ(Api("DELETE", "/api/v1/agents/a1/wrap-ups/" + s1, kA1Token).status, 404);

  // The same over the WebSocket, all of it at once.
  a1->Ack(R"("type":"close","session_id":")" + s2 + R"(")");
  EXPECT_EQ(a1->NextOfType("session_ended").Int("/wrap_up_ms"), 600000);
  a1->Ack(R"("type":"end_wrap_up")");
  const JsonDoc none = a1->Request(R"("type":"end_wrap_up")");
  EXPECT_EQ(none.Str("/error"), "not_found") << none.text();
  reply = Api("GET", "/api/v1/agents/a1/state", kA1Token);
  EXPECT_EQ(reply.Json().Size("/wrap_ups"), 0u) << reply.body;
}

}  // namespace
}  // namespace routerd::gateway_test
