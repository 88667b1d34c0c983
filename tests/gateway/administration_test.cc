// Run-time administration kept across restarts: caps set through the API win
// over the file after a restart (a cleared cap stays cleared), and API tokens:
// created with their value shown once, listed without it, usable at once and
// after a restart; revoked, they are refused and the agent connections they
// opened are closed with 4003.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/gateway/gateway_fixture.h"

namespace routerd::gateway_test {
namespace {

class AdministrationTest : public GatewayTest {
 protected:
  // agents: a1, a2, a3, v1 in this order.
  JsonDoc Agents() {
    const HttpReply reply = Api("GET", "/api/v1/agents", kAcmeAdmin);
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.Json();
  }
  void ExpectCap(const JsonDoc& agents, int index, std::int64_t cap, std::string_view origin) {
    const std::string at = "/agents/" + std::to_string(index);
    EXPECT_EQ(agents.Int(at + "/effective_cap"), cap) << agents.text();
    EXPECT_EQ(agents.Str(at + "/cap_origin"), origin) << agents.text();
  }
  void Change(std::string_view method, std::string_view target, std::string body = {}) {
    const HttpReply reply = Api(method, target, kAcmeAdmin, std::move(body));
    EXPECT_EQ(reply.status, 200) << method << " " << target << ": " << reply.body;
  }
  // POST /api/v1/tokens as acme's admin; the token's value.
  std::string CreateToken(std::string_view body) {
    const HttpReply reply = Api("POST", "/api/v1/tokens", kAcmeAdmin, std::string(body));
    EXPECT_EQ(reply.status, 201) << reply.body;
    return reply.Json().Str("/token").value_or("");
  }
};

TEST_F(AdministrationTest, CapsSetThroughTheApiSurviveARestartAndWinOverTheFile) {
  GatewayConfig config;
  config.a2_cap = 2;  // the file's own cap for a2
  StartDaemon(config);
  Change("PUT", "/api/v1/agents/a1/cap", R"({"max_concurrent_sessions":7})");
  Change("PUT", "/api/v1/ous/support/cap", R"({"max_concurrent_sessions":3})");
  Change("DELETE", "/api/v1/agents/a2/cap");  // cleared: a2 follows its OUs
  Change("PUT", "/api/v1/tenant/cap", R"({"max_concurrent_sessions":9})");
  Change("PUT", "/api/v1/agents/a3/cap", R"({"max_concurrent_sessions":4})");
  Change("PUT", "/api/v1/agents/a3/cap", R"({"max_concurrent_sessions":6})");  // the latest counts

  RestartDaemon(config);
  JsonDoc agents = Agents();
  ExpectCap(agents, 0, 7, "agent");
  ExpectCap(agents, 1, 3, "ou");
  EXPECT_EQ(agents.Str("/agents/1/cap_origin_ou"), "support");
  ExpectCap(agents, 2, 6, "agent");

  // Without the OU cap the tenant's run-time cap shows; cleared, the file's.
  Change("DELETE", "/api/v1/ous/support/cap");
  RestartDaemon(config);
  ExpectCap(Agents(), 1, 9, "tenant");
  Change("DELETE", "/api/v1/tenant/cap");
  ExpectCap(Agents(), 1, 5, "tenant");
  RestartDaemon(config);
  agents = Agents();
  ExpectCap(agents, 1, 5, "tenant");
  ExpectCap(agents, 0, 7, "agent");
}

TEST_F(AdministrationTest, ATokenIsShownOnceListedWithoutItsValueAndKeptAcrossARestart) {
  StartDaemon();
  const HttpReply created =
      Api("POST", "/api/v1/tokens", kAcmeAdmin, R"({"name":"a2-tablet","role":"agent","employee_id":"a2"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Header("Cache-Control"), "no-store");
  JsonDoc doc = created.Json();
  const std::string token = doc.Str("/token").value_or("");
  EXPECT_EQ(token.rfind("rdt_", 0), 0u) << created.body;
  EXPECT_EQ(token.size(), 4u + 64u);
  EXPECT_EQ(doc.Str("/name"), "a2-tablet");
  EXPECT_EQ(doc.Str("/role"), "agent");
  EXPECT_EQ(doc.Str("/employee_id"), "a2");
  EXPECT_EQ(doc.Str("/source"), "api");
  EXPECT_EQ(doc.Str("/created_by"), "tenant_admin:0");

  EXPECT_EQ(Api("GET", "/api/v1/agents/a2/state", token).status, 200);
  EXPECT_EQ(Api("GET", "/api/v1/agents/a1/state", token).status, 403) << "an agent token acts for its agent only";
  EXPECT_EQ(Api("GET", "/api/v1/agents/a2/state", kGlobexAdmin).status, 404);

  const HttpReply list = Api("GET", "/api/v1/tokens", kAcmeAdmin);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.body.find(token), std::string::npos) << "the value is never shown again";
  EXPECT_EQ(list.body.find("sha256"), std::string::npos);
  JsonDoc tokens = list.Json();
  const std::size_t n = tokens.Size("/tokens").value_or(0);
  ASSERT_EQ(n, 5u) << list.body;  // the file's admin, a1, a2, a3 and the new one
  EXPECT_EQ(tokens.Str("/tokens/0/name"), "tenant_admin:0");
  EXPECT_EQ(tokens.Str("/tokens/0/source"), "file");
  EXPECT_GT(tokens.Int("/tokens/0/line").value_or(0), 0);
  EXPECT_EQ(tokens.Str("/tokens/4/name"), "a2-tablet");
  EXPECT_EQ(tokens.Str("/tokens/4/source"), "api");
  EXPECT_EQ(Api("GET", "/api/v1/tokens", kGlobexAdmin).Json().Size("/tokens"), 2u) << "globex sees its own only";

  RestartDaemon();
  EXPECT_EQ(Api("GET", "/api/v1/agents/a2/state", token).status, 200) << "kept across a restart";
  auto a2 = Connect("a2", token);
  EXPECT_EQ(Api("GET", "/api/v1/tokens", kAcmeAdmin).Json().Str("/tokens/4/name"), "a2-tablet");
}

TEST_F(AdministrationTest, ARevokedTokenIsRefusedAndItsConnectionsAreClosedWith4003) {
  StartDaemon();
  const std::string token = CreateToken(R"({"name":"a2-tablet","role":"agent","employee_id":"a2"})");
  const std::string admin = CreateToken(R"({"name":"night-supervisor","role":"tenant_admin"})");
  auto a2 = ConnectReady("a2", token);
  auto a1 = ConnectReady("a1", kA1Token);
  EXPECT_EQ(Api("GET", "/api/v1/queues", admin).status, 200);

  const HttpReply revoked = Api("DELETE", "/api/v1/tokens/a2-tablet", admin);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(revoked.Json().Int("/closed_connections"), 1);
  EXPECT_TRUE(a2->WaitClosed());
  EXPECT_EQ(a2->ws().close_code(), 4003);
  EXPECT_EQ(Api("GET", "/api/v1/agents/a2/state", token).status, 401);
  EXPECT_EQ(UpgradeStatus("/api/v1/agents/a2/ws", token), 401);
  // Other connections go on.
  DeliverWeb(kAcmeWeb, "cust-1", "Ana", "one");
  EXPECT_EQ(a1->NextOfType("assigned").Str("/customer/id"), "cust-1");

  EXPECT_EQ(Api("DELETE", "/api/v1/tokens/a2-tablet", kAcmeAdmin).status, 404) << "already revoked";
  RestartDaemon();
  EXPECT_EQ(Api("GET", "/api/v1/agents/a2/state", token).status, 401) << "still revoked after a restart";
  EXPECT_EQ(Api("GET", "/api/v1/queues", admin).status, 200);
  // The name is free again; the new token is another one.
  const std::string again = CreateToken(R"({"name":"a2-tablet","role":"agent","employee_id":"a2"})");
  EXPECT_NE(again, token);
  EXPECT_EQ(Api("GET", "/api/v1/agents/a2/state", again).status, 200);
  // A tenant admin token revoked by another ends its own access too.
  EXPECT_EQ(Api("DELETE", "/api/v1/tokens/night-supervisor", kAcmeAdmin).status, 200);
  EXPECT_EQ(Api("GET", "/api/v1/queues", admin).status, 401);
}

TEST_F(AdministrationTest, BadTokenRequestsAreRefusedNamingTheField) {
  StartDaemon();
  auto refused = [&](std::string_view method, std::string_view target, std::string body, int status,
                     std::string_view detail, std::string_view token = kAcmeAdmin) {
    const HttpReply reply = Api(method, target, token, std::move(body));
    EXPECT_EQ(reply.status, status) << method << " " << target << ": " << reply.body;
    EXPECT_NE(reply.body.find(detail), std::string::npos) << reply.body;
  };
  refused("POST", "/api/v1/tokens", R"({"name":"x","role":"agent"})", 400, "an agent token needs employee_id");
  refused("POST", "/api/v1/tokens", R"({"name":"x","role":"agent","employee_id":"g1"})", 400,
          "is not an agent of tenant 'acme'");
  refused("POST", "/api/v1/tokens", R"({"name":"x","role":"tenant_admin","employee_id":"a1"})", 400,
          "remove employee_id");
  refused("POST", "/api/v1/tokens", R"({"name":"has space","role":"tenant_admin"})", 400, "name must be 1..64");
  refused("POST", "/api/v1/tokens", R"({"role":"tenant_admin"})", 400, "name is required");
  refused("POST", "/api/v1/tokens", R"({"name":"x","role":"root"})", 400, "role must be");
  refused("POST", "/api/v1/tokens", R"({"name":"x","role":"tenant_admin","token":"mine"})", 400,
          "unknown field 'token'");
  refused("POST", "/api/v1/tokens", R"({"name":"agent:a1","role":"tenant_admin"})", 409,
          "the configuration file has a token named 'agent:a1'");
  CreateToken(R"({"name":"kiosk","role":"tenant_admin"})");
  refused("POST", "/api/v1/tokens", R"({"name":"kiosk","role":"tenant_admin"})", 409, "revoke it first");
  refused("DELETE", "/api/v1/tokens/agent:a1", {}, 409, "defined in the configuration file");
  refused("DELETE", "/api/v1/tokens/nobody", {}, 404, "no API token");
  refused("DELETE", "/api/v1/tokens/kiosk", {}, 404, "no API token", kGlobexAdmin);
  refused("GET", "/api/v1/tokens", {}, 403, "tenant_admin only", kA1Token);
  refused("PUT", "/api/v1/tokens", "{}", 405, "allowed: GET, POST");
  refused("GET", "/api/v1/tokens/kiosk", {}, 405, "allowed: DELETE");
  EXPECT_EQ(Api("GET", "/api/v1/tokens", kAcmeAdmin).Json().Size("/tokens"), 5u) << "nothing refused was kept";
}

TEST_F(AdministrationTest, AnAgentSetsItsOwnCapWithinTheTenantsRangeOverRestAndWebSocket) {
  GatewayConfig config;
  config.acme_personal_settings = "agent_cap_min = 2\nagent_cap_max = 8\n";
  StartDaemon(config);
  auto a1 = ConnectReady("a1", kA1Token);
  HttpReply reply = Api("PUT", "/api/v1/agents/a1/cap", kA1Token, R"({"max_concurrent_sessions":6})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  JsonDoc state = a1->NextOfType("state");
  EXPECT_EQ(state.Int("/effective_cap"), 6) << state.text();
  EXPECT_EQ(state.Str("/cap_origin"), "personal") << "the agent's own setting says so";
  ExpectCap(Agents(), 0, 6, "personal");

  // Outside the tenant's range, for another agent, or as a voice agent: refused.
  reply = Api("PUT", "/api/v1/agents/a1/cap", kA1Token, R"({"max_concurrent_sessions":9})");
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_EQ(reply.Json().Str("/detail"),
            "max_concurrent_sessions = 9 is outside the range agents of tenant acme may choose (2..8)");
  EXPECT_EQ(Api("PUT", "/api/v1/agents/a2/cap", kA1Token, R"({"max_concurrent_sessions":3})").status, 403);
  const std::string v1 = CreateToken(R"({"name":"v1","role":"agent","employee_id":"v1"})");
  reply = Api("PUT", "/api/v1/agents/v1/cap", v1, R"({"max_concurrent_sessions":3})");
  EXPECT_EQ(reply.status, 409) << reply.body;
  EXPECT_THAT(reply.body, ::testing::HasSubstr("is a voice agent"));
  // The administrator may go beyond the agents' range, and the latest setting counts.
  Change("PUT", "/api/v1/agents/a1/cap", R"({"max_concurrent_sessions":12})");
  ExpectCap(Agents(), 0, 12, "agent");

  // Over the WebSocket.
  JsonDoc ack = a1->Request(R"("type":"set_cap","max_concurrent_sessions":3)");
  EXPECT_EQ(ack.Str("/type"), "ack") << ack.text();
  ExpectCap(Agents(), 0, 3, "personal");
  JsonDoc refused = a1->Request(R"("type":"set_cap","max_concurrent_sessions":1)");
  EXPECT_EQ(refused.Str("/error"), "bad_request") << refused.text();
  refused = a1->Request(R"("type":"set_cap","max_concurrent_sessions":"3")");
  EXPECT_EQ(refused.Str("/detail"), "max_concurrent_sessions must be an integer") << refused.text();

  // Kept across a restart, with its origin.
  RestartDaemon(config);
  ExpectCap(Agents(), 0, 3, "personal");
  auto again = ConnectReady("a1", kA1Token);
  ack = again->Request(R"("type":"clear_cap")");
  EXPECT_EQ(ack.Str("/type"), "ack") << ack.text();
  ExpectCap(Agents(), 0, 5, "tenant");
}

TEST_F(AdministrationTest, ATenantCanForbidAgentsToSetTheirCap) {
  GatewayConfig config;
  config.acme_personal_settings = "agent_sets_cap = false\n";
  StartDaemon(config);
  HttpReply reply = Api("PUT", "/api/v1/agents/a1/cap", kA1Token, R"({"max_concurrent_sessions":4})");
  EXPECT_EQ(reply.status, 403) << reply.body;
  EXPECT_EQ(reply.Json().Str("/detail"),
            "tenant acme does not let agents set their own cap ([tenants.personal_settings] agent_sets_cap)");
  EXPECT_EQ(Api("DELETE", "/api/v1/agents/a1/cap", kA1Token).status, 403);
  auto a1 = ConnectReady("a1", kA1Token);
  JsonDoc refused = a1->Request(R"("type":"clear_cap")");
  EXPECT_EQ(refused.Str("/error"), "forbidden") << refused.text();
  ExpectCap(Agents(), 0, 5, "tenant");
  Change("PUT", "/api/v1/agents/a1/cap", R"({"max_concurrent_sessions":4})");  // the administrator still may
  ExpectCap(Agents(), 0, 4, "agent");
}

}  // namespace
}  // namespace routerd::gateway_test
