// Authentication and tenant isolation across two tenants, for REST and for
// the WebSocket upgrade (which must fail with the HTTP status): 401 without
// a valid token, 403 for an agent token on admin routes or for another
// agent, 404 for another tenant's ids and unknown sessions.
#include <gtest/gtest.h>

#include "tests/gateway/gateway_fixture.h"

namespace routerd::gateway_test {
namespace {

using AuthTest = GatewayTest;

constexpr std::string_view kUnauthorized =
    R"({"error":"unauthorized","detail":"a valid bearer token is required"})";
constexpr std::string_view kAdminOnly = R"({"error":"forbidden","detail":"tenant_admin only"})";
constexpr std::string_view kOtherAgent = R"({"error":"forbidden","detail":"this token acts for another agent"})";
constexpr std::string_view kNoAgent = R"({"error":"not_found","detail":"no such agent"})";

TEST_F(AuthTest, RestNeedsAValidTokenOfTheRightRoleAndTenant) {
  StartDaemon();
  // 401: no token, an unknown one, a malformed header.
  for (std::string_view token : {"", "not-a-token", "acme-admin-tokenx"}) {
    const HttpReply reply = Api("GET", "/api/v1/agents", token);
    EXPECT_EQ(reply.status, 401) << "token '" << token << "'";
    EXPECT_EQ(reply.body, kUnauthorized);
    EXPECT_EQ(reply.Header("WWW-Authenticate"), "Bearer");
  }
  {
    StatusOr<HttpReply> basic = HttpClient(port()).Send("GET", "/api/v1/queues", "",
                                                        {{"Authorization", "Basic YWNtZTphZG1pbg=="}});
    ASSERT_TRUE(basic.ok());
    EXPECT_EQ(basic->status, 401);
    // A token in the query string is for WebSocket upgrades only.
    StatusOr<HttpReply> query =
        HttpClient(port()).Send("GET", "/api/v1/queues?token=acme-admin-token", "", {});
    ASSERT_TRUE(query.ok());
    EXPECT_EQ(query->status, 401);
  }

  // 403: an agent token on admin routes. (Its own cap it may set: the
  // Personal Center, administration_test.cc.)
  const std::vector<std::pair<std::string, std::string>> admin_routes = {
      {"GET", "/api/v1/agents"},
      {"GET", "/api/v1/queues"},
      {"GET", "/api/v1/sessions/16777217"},
      {"PUT", "/api/v1/tenant/cap"},
      {"DELETE", "/api/v1/ous/support/cap"},
      {"POST", "/api/v1/agents/a1/sign-out"},
  };
  for (const auto& [method, target] : admin_routes) {
    const HttpReply reply = Api(method, target, kA1Token, R"({"max_concurrent_sessions":2})");
    EXPECT_EQ(reply.status, 403) << method << " " << target;
    EXPECT_EQ(reply.body, kAdminOnly) << method << " " << target;
  }
  // 403: an agent token for another agent of its tenant.
  for (std::string_view target : {"/api/v1/agents/a2/state", "/api/v1/agents/a2/sessions"}) {
    const HttpReply reply = Api("GET", target, kA1Token);
    EXPECT_EQ(reply.status, 403) << target;
    EXPECT_EQ(reply.body, kOtherAgent) << target;
  }
  HttpReply reply = Api("PUT", "/api/v1/agents/a2/state", kA1Token, R"({"state":"signed_in"})");
  EXPECT_EQ(reply.status, 403);
  // Its own agent, and the admin for any agent of the tenant: 200.
  EXPECT_EQ(Api("GET", "/api/v1/agents/a1/state", kA1Token).status, 200);
  reply = Api("GET", "/api/v1/agents/a2/state", kAcmeAdmin);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.Json().Str("/employee_id"), "a2") << reply.body;
  EXPECT_EQ(reply.Json().Str("/state"), "signed_out") << reply.body;

  // 404: another tenant's agent ids do not exist in the caller's tenant, for
  // any role.
  for (const auto& [token, target] : std::vector<std::pair<std::string_view, std::string>>{
           {kAcmeAdmin, "/api/v1/agents/g1/state"},
           {kA1Token, "/api/v1/agents/g1/state"},
           {kGlobexAdmin, "/api/v1/agents/a1/state"},
           {kGlobexAdmin, "/api/v1/agents/a1/sessions"},
           {kG1Token, "/api/v1/agents/a1/state"},
           {kAcmeAdmin, "/api/v1/agents/nobody/state"}}) {
    reply = Api("GET", target, token);
    EXPECT_EQ(reply.status, 404) << token << " " << target;
    EXPECT_EQ(reply.body, kNoAgent) << token << " " << target;
  }
  reply = Api("PUT", "/api/v1/agents/a1/cap", kGlobexAdmin, R"({"max_concurrent_sessions":2})");
  EXPECT_EQ(reply.status, 404);
  reply = Api("PUT", "/api/v1/ous/support/cap", kGlobexAdmin, R"({"max_concurrent_sessions":2})");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.body, R"({"error":"not_found","detail":"no such OU"})");

  // Each admin sees its own tenant only.
  JsonDoc agents = Api("GET", "/api/v1/agents", kGlobexAdmin).Json();
  ASSERT_EQ(agents.Size("/agents"), 1u) << agents.text();
  EXPECT_EQ(agents.Str("/agents/0/employee_id"), "g1");
  agents = Api("GET", "/api/v1/agents", kAcmeAdmin).Json();
  ASSERT_EQ(agents.Size("/agents"), 4u) << agents.text();
  JsonDoc queues = Api("GET", "/api/v1/queues", kGlobexAdmin).Json();
  ASSERT_EQ(queues.Size("/queues"), 1u) << queues.text();
}

TEST_F(AuthTest, SessionsOfAnotherTenantAndUnknownSessionsAre404) {
  StartDaemon();
  auto a1 = ConnectReady("a1", kA1Token);
  DeliverWeb(kAcmeWeb, "cust-1", "Ana", "one");
  const std::string sid = a1->NextOfType("assigned").Str("/session_id").value_or("?");
  ASSERT_EQ(Api("GET", "/api/v1/sessions/" + sid, kAcmeAdmin).status, 200);

  // globex has no session with this id: acme's is invisible to it.
  HttpReply reply = Api("GET", "/api/v1/sessions/" + sid, kGlobexAdmin);
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.body, R"x({"error":"not_found","detail":"no such session (open, or ended within the retention time)"})x");
  reply = Api("POST", "/api/v1/sessions/" + sid + "/close", kGlobexAdmin);
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.body, R"({"error":"not_found","detail":"no such session for this agent"})");
  reply = Api("POST", "/api/v1/sessions/" + sid + "/close", kG1Token);
  EXPECT_EQ(reply.status, 404);
  // Another agent of the same tenant cannot close it either.
  reply = Api("POST", "/api/v1/sessions/" + sid + "/close", kA2Token);
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.body, R"({"error":"not_found","detail":"no such session for this agent"})");
  // Unknown and malformed ids.
  for (std::string_view target : {"/api/v1/sessions/99999999", "/api/v1/sessions/abc", "/api/v1/sessions/-1"}) {
    reply = Api("GET", target, kAcmeAdmin);
    EXPECT_EQ(reply.status, 404) << target;
  }
  reply = Api("POST", "/api/v1/sessions/99999999/close", kA1Token);
  EXPECT_EQ(reply.status, 404);
  // The session is untouched by all of that.
  reply = Api("GET", "/api/v1/sessions/" + sid, kAcmeAdmin);
  EXPECT_EQ(reply.Json().Str("/state"), "assigned") << reply.body;
  EXPECT_EQ(reply.Json().Str("/employee_id"), "a1") << reply.body;
}

TEST_F(AuthTest, WebSocketUpgradeFailsWithTheHttpStatus) {
  StartDaemon();
  std::string body;
  EXPECT_EQ(UpgradeStatus("/api/v1/agents/a1/ws", "", &body), 401);
  EXPECT_EQ(body, R"({"error":"unauthorized","detail":"a valid token is required"})");
  EXPECT_EQ(UpgradeStatus("/api/v1/agents/a1/ws", "wrong-token", &body), 401);
  EXPECT_EQ(UpgradeStatus("/api/v1/agents/a1/ws?token=wrong-token", "", &body), 401);
  EXPECT_EQ(UpgradeStatus("/api/v1/agents/a2/ws", kA1Token, &body), 403);
  EXPECT_EQ(body, kOtherAgent);
  EXPECT_EQ(UpgradeStatus("/api/v1/agents/a2/ws?token=acme-a1-token", "", &body), 403);
  EXPECT_EQ(UpgradeStatus("/api/v1/agents/g1/ws", kA1Token, &body), 404);
  EXPECT_EQ(body, kNoAgent);
  EXPECT_EQ(UpgradeStatus("/api/v1/agents/g1/ws", kAcmeAdmin, &body), 404);
  EXPECT_EQ(UpgradeStatus("/api/v1/agents/a1/ws", kGlobexAdmin, &body), 404);
  EXPECT_EQ(UpgradeStatus("/api/v1/agents/a1/ws", kG1Token, &body), 404);
  EXPECT_EQ(UpgradeStatus("/api/v1/agents/nobody/ws", kAcmeAdmin, &body), 404);
  EXPECT_EQ(UpgradeStatus("/api/v1/queues", kAcmeAdmin, &body), 404);
  EXPECT_EQ(body, R"({"error":"not_found","detail":"no WebSocket endpoint here"})");
  EXPECT_EQ(Metric("routerd_agents_connected"), 0u);

  // Accepted: the agent's own token in the header or the query, and the
  // tenant admin's.
  EXPECT_EQ(UpgradeStatus("/api/v1/agents/a1/ws", kA1Token), 101);
  EXPECT_EQ(UpgradeStatus("/api/v1/agents/a1/ws?token=acme-a1-token", ""), 101);
  EXPECT_EQ(UpgradeStatus("/api/v1/agents/g1/ws?token=globex-g1-token", ""), 101);
  auto by_admin = Connect("a3", kAcmeAdmin);
  by_admin->Ack(R"("type":"sign_in")");
  const JsonDoc state = by_admin->NextOfType("state");
  EXPECT_EQ(state.Str("/employee_id"), "a3") << state.text();
  EXPECT_EQ(state.Str("/state"), "not_ready") << state.text();
}

}  // namespace
}  // namespace routerd::gateway_test
