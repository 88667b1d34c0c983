// Concurrent-session caps over REST at each level (agent > OU > tenant): the
// effective cap and its origin in GET /agents and the agent's `state`, waiting
// sessions assigned at once when a cap rises, nothing revoked when it falls,
// and 400/404/405 for bad requests.
#include <gtest/gtest.h>

#include "tests/gateway/gateway_fixture.h"

namespace routerd::gateway_test {
namespace {

class CapsTest : public GatewayTest {
 protected:
  // GET /api/v1/agents; a1 is the tenant's first agent, so /agents/0.
  JsonDoc Agents() {
    const HttpReply reply = Api("GET", "/api/v1/agents", kAcmeAdmin);
    EXPECT_EQ(reply.status, 200) << reply.body;
    JsonDoc agents = reply.Json();
    EXPECT_EQ(agents.Str("/agents/0/employee_id"), "a1") << reply.body;
    return agents;
  }
  void ExpectCap(const JsonDoc& agents, std::int64_t cap, std::string_view origin, std::string_view ou = {}) {
    SCOPED_TRACE(agents.text());
    EXPECT_EQ(agents.Int("/agents/0/effective_cap"), cap);
    EXPECT_EQ(agents.Str("/agents/0/cap_origin"), origin);
    if (ou.empty()) {
      EXPECT_FALSE(agents.Has("/agents/0/cap_origin_ou"));
    } else {
      EXPECT_EQ(agents.Str("/agents/0/cap_origin_ou"), ou);
    }
  }
  void Put(std::string_view target, std::string_view body) {
    const HttpReply reply = Api("PUT", target, kAcmeAdmin, std::string(body));
    EXPECT_EQ(reply.status, 200) << "PUT " << target << " " << body << ": " << reply.body;
    EXPECT_EQ(reply.body, R"({"ok":true})");
  }
  void Delete(std::string_view target) {
    const HttpReply reply = Api("DELETE", target, kAcmeAdmin);
    EXPECT_EQ(reply.status, 200) << "DELETE " << target << ": " << reply.body;
    EXPECT_EQ(reply.body, R"({"ok":true})");
  }
  std::optional<std::int64_t> Waiting() {
    return Api("GET", "/api/v1/queues", kAcmeAdmin).Json().Int("/queues/0/waiting");
  }
};

TEST_F(CapsTest, CapChangesAtEachLevelTakeEffectAtOnce) {
  StartDaemon();  // tenant cap 5; no OU or agent cap
  auto a1 = ConnectReady("a1", kA1Token);
  JsonDoc agents = Agents();
  ExpectCap(agents, 5, "tenant");
  EXPECT_EQ(agents.Str("/agents/0/agent_type"), "multimedia");
  EXPECT_EQ(agents.Str("/agents/0/state"), "ready");
  EXPECT_EQ(agents.Int("/agents/0/active_sessions"), 0);
  EXPECT_EQ(agents.Size("/agents"), 4u);  // a1, a2, a3, v1: acme's only

  // Tenant level.
  Put("/api/v1/tenant/cap", R"({"max_concurrent_sessions":1})");
  JsonDoc state = a1->NextOfType("state");
  EXPECT_EQ(state.Int("/effective_cap"), 1) << state.text();
  EXPECT_EQ(state.Str("/cap_origin"), "tenant");
  ExpectCap(Agents(), 1, "tenant");
  DeliverWeb(kAcmeWeb, "cust-1", "Ana", "one");
  DeliverWeb(kAcmeWeb, "cust-2", "Bo", "two");
  JsonDoc assigned = a1->NextOfType("assigned");
  EXPECT_EQ(assigned.Str("/customer/id"), "cust-1");
  EXPECT_EQ(assigned.Int("/route/effective_cap"), 1);
  EXPECT_EQ(Waiting(), 1);

  // OU level (a1's OU tier1 inherits from support): the waiting session is
  // assigned at once.
  Put("/api/v1/ous/support/cap", R"({"max_concurrent_sessions":2})");
  assigned = a1->NextOfType("assigned");
  SCOPED_TRACE(assigned.text());
  EXPECT_EQ(assigned.Str("/customer/id"), "cust-2");
  EXPECT_EQ(assigned.Int("/route/effective_cap"), 2);
  EXPECT_EQ(assigned.Str("/route/cap_origin"), "ou");
  EXPECT_EQ(assigned.Str("/route/cap_origin_ou"), "support");
  EXPECT_EQ(Waiting(), 0);
  agents = Agents();
  ExpectCap(agents, 2, "ou", "support");
  EXPECT_EQ(agents.Int("/agents/0/active_sessions"), 2);
  // The closer OU wins.
  Put("/api/v1/ous/tier1/cap", R"({"max_concurrent_sessions":2})");
  ExpectCap(Agents(), 2, "ou", "tier1");
  Delete("/api/v1/ous/tier1/cap");
  ExpectCap(Agents(), 2, "ou", "support");

  // Agent level.
  DeliverWeb(kAcmeWeb, "cust-3", "Cy", "three");
  EXPECT_EQ(Waiting(), 1);
  Put("/api/v1/agents/a1/cap", R"({"max_concurrent_sessions":3})");
  assigned = a1->NextOfType("assigned");
  EXPECT_EQ(assigned.Str("/customer/id"), "cust-3") << assigned.text();
  EXPECT_EQ(assigned.Int("/route/effective_cap"), 3);
  EXPECT_EQ(assigned.Str("/route/cap_origin"), "agent");
  ExpectCap(Agents(), 3, "agent");

  // Lowering never revokes: a1 keeps 3 sessions above its new cap of 2 and
  // gets nothing new.
  DeliverWeb(kAcmeWeb, "cust-4", "Di", "four");
  Delete("/api/v1/agents/a1/cap");
  agents = Agents();
  ExpectCap(agents, 2, "ou", "support");
  EXPECT_EQ(agents.Int("/agents/0/active_sessions"), 3);
  EXPECT_EQ(Waiting(), 1);
  state = Api("GET", "/api/v1/agents/a1/state", kA1Token).Json();
  EXPECT_EQ(state.Size("/sessions"), 3u) << state.text();

  // Back to the tenant level, raised: cust-4 goes to a1.
  Delete("/api/v1/ous/support/cap");
  ExpectCap(Agents(), 1, "tenant");
  Put("/api/v1/tenant/cap", R"({"max_concurrent_sessions":4})");
  assigned = a1->NextOfType("assigned");
  EXPECT_EQ(assigned.Str("/customer/id"), "cust-4") << assigned.text();
  EXPECT_EQ(assigned.Int("/route/effective_cap"), 4);
  EXPECT_EQ(assigned.Str("/route/cap_origin"), "tenant");
  EXPECT_EQ(Waiting(), 0);
  // DELETE restores the configured tenant cap.
  Delete("/api/v1/tenant/cap");
  ExpectCap(Agents(), 5, "tenant");
  // The other agents followed every tenant change too.
  agents = Agents();
  EXPECT_EQ(agents.Str("/agents/1/employee_id"), "a2");
  EXPECT_EQ(agents.Int("/agents/1/effective_cap"), 5) << agents.text();
}

TEST_F(CapsTest, BadCapRequestsAre400NamingTheFieldAndChangeNothing) {
  StartDaemon();
  struct Case {
    std::string body;
    std::string detail;
  };
  const std::vector<Case> cases = {
      {R"({"max_concurrent_sessions":0})", "max_concurrent_sessions = 0 is out of range (allowed 1..60)"},
      {R"({"max_concurrent_sessions":61})", "max_concurrent_sessions = 61 is out of range (allowed 1..60)"},
      {R"({"max_concurrent_sessions":-3})", "max_concurrent_sessions = -3 is out of range (allowed 1..60)"},
      {R"({"max_concurrent_sessions":"5"})", "max_concurrent_sessions must be an integer"},
      {R"({"max_concurrent_sessions":2.5})", "max_concurrent_sessions must be an integer"},
      {R"({"max_concurrent_sessions":null})", "max_concurrent_sessions must be an integer"},
      {R"({"max_concurrent_sessions":5,"priority":1})", "unknown field 'priority'"},
      {R"({"max_sessions":5})", "unknown field 'max_sessions'"},
      {R"({})", "max_concurrent_sessions is required"},
      {R"({"max_concurrent_sessions":)", "the body must be a JSON object"},
      {R"([5])", "the body must be a JSON object"},
      {"", "the body must be a JSON object"},
  };
  for (std::string_view target : {"/api/v1/agents/a1/cap", "/api/v1/ous/support/cap", "/api/v1/tenant/cap"}) {
    for (const Case& c : cases) {
      const HttpReply reply = Api("PUT", target, kAcmeAdmin, c.body);
      EXPECT_EQ(reply.status, 400) << target << " " << c.body;
      const JsonDoc error = reply.Json();
      EXPECT_EQ(error.Str("/error"), "bad_request") << target << " " << c.body << ": " << reply.body;
      EXPECT_EQ(error.Str("/detail"), c.detail) << target << " " << c.body;
    }
  }
  // Unknown ids and methods.
  HttpReply reply = Api("PUT", "/api/v1/agents/nobody/cap", kAcmeAdmin, R"({"max_concurrent_sessions":2})");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.body, R"({"error":"not_found","detail":"no such agent"})");
  reply = Api("PUT", "/api/v1/ous/nowhere/cap", kAcmeAdmin, R"({"max_concurrent_sessions":2})");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.body, R"({"error":"not_found","detail":"no such OU"})");
  reply = Api("GET", "/api/v1/tenant/cap", kAcmeAdmin);
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(reply.Header("Allow"), "PUT, DELETE");

  // Nothing changed anywhere.
  const JsonDoc agents = Agents();
  ExpectCap(agents, 5, "tenant");
}

}  // namespace
}  // namespace routerd::gateway_test
