// Cluster mode at the API's door: a tenant that another instance routes gets
// 307 to it (method, body and query kept), or 503 while no instance does;
// tenants routed here are served as before; without a valid token the answer
// stays 401 and says nothing of ownership; an agent WebSocket is upgraded and
// closed with 4004 whose reason is the owner's URL.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "tests/gateway/cluster_fixture.h"

namespace routerd::gateway_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using OwnerRedirectTest = ClusterTest;

constexpr std::string_view kOwner = "https://routerd-2.example:8443";

// The upgrade to the front end, then what ends it.
struct Ended {
  int upgrade = 0;
  int close_code = 0;
  std::string reason;
  int frames = 0;  // read before the close
};

Ended OpenAndWaitClose(std::uint16_t port, std::string_view employee, std::string_view token) {
  Ended ended;
  WsClient ws(port);
  StatusOr<int> status = ws.Connect("/api/v1/agents/" + std::string(employee) + "/ws", token, kWait);
  if (!status.ok()) {
    ADD_FAILURE() << status.status().ToString();
    return ended;
  }
  ended.upgrade = *status;
  if (*status != 101) return ended;
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (std::chrono::steady_clock::now() < deadline && ws.Read(kWait).ok()) ++ended.frames;
  EXPECT_FALSE(ws.open() || ws.timed_out()) << "the connection stayed open";
  ended.close_code = ws.close_code();
  ended.reason = ws.close_reason();
  return ended;
}

TEST_F(OwnerRedirectTest, RequestsOfATenantRoutedElsewhereAre307ToTheOwnerWithPathAndQuery) {
  StartCluster();
  // The agent is ready here, through the daemon's own port (no owner check).
  auto a1 = ConnectReady("a1", kA1Token);
  const std::optional<std::int64_t> cap_before =
      Api("GET", "/api/v1/agents/a1/state", kA1Token).Json().Int("/effective_cap");
  ASSERT_NE(cap_before, 1);
  RouteElsewhere("acme", std::string(kOwner) + "/");  // a trailing slash is not doubled

  HttpReply get = Front("GET", "/api/v1/agents/a1/state?verbose=1&x=%20y", kA1Token);
  EXPECT_EQ(get.status, 307) << get.body;
  EXPECT_EQ(get.Header("Location"), std::string(kOwner) + "/api/v1/agents/a1/state?verbose=1&x=%20y");
  JsonDoc body = get.Json();
  EXPECT_EQ(body.Str("/error"), "not_owner") << get.body;
  EXPECT_EQ(body.Str("/owner"), kOwner) << get.body;
  EXPECT_EQ(body.Str("/detail"), "tenant acme is routed by another instance: repeat the request there");

  // A write with a body: sent on before its body is read, and not applied here.
  HttpReply transfer =
      Front("POST", "/api/v1/sessions/16777216/transfer?why=test", kAcmeAdmin, R"({"to_queue":"billing"})");
  EXPECT_EQ(transfer.status, 307) << transfer.body;
  EXPECT_EQ(transfer.Header("Location"), std::string(kOwner) + "/api/v1/sessions/16777216/transfer?why=test");
  HttpReply cap = Front("PUT", "/api/v1/tenant/cap", kAcmeAdmin, R"({"max_concurrent_sessions":1})");
  EXPECT_EQ(cap.status, 307) << cap.body;
  // Before its body is read: one over max_body_bytes (1 MiB) would be 413 here.
  HttpReply large = Front("PUT", "/api/v1/tenant/cap", kAcmeAdmin, std::string(2 << 20, ' '));
  EXPECT_EQ(large.status, 307) << large.body;
  // A write without one: answered once read, also without effect here.
  HttpReply sign_out = Front("POST", "/api/v1/agents/a1/sign-out", kAcmeAdmin);
  EXPECT_EQ(sign_out.status, 307) << sign_out.body;
  EXPECT_EQ(sign_out.Header("Location"), std::string(kOwner) + "/api/v1/agents/a1/sign-out");
  // Every route of the tenant, those of other handlers included.
  EXPECT_EQ(Front("GET", "/api/v1/tokens", kAcmeAdmin).status, 307);
  EXPECT_EQ(Front("GET", "/api/v1/messages?window=1d", kAcmeAdmin).status, 307);
  EXPECT_EQ(Front("GET", "/api/v1/no-such-route", kAcmeAdmin).status, 307);

  HttpReply state = Api("GET", "/api/v1/agents/a1/state", kA1Token);
  EXPECT_EQ(state.Json().Str("/state"), "ready") << state.body;
  EXPECT_EQ(state.Json().Int("/effective_cap"), cap_before) << state.body;
}

TEST_F(OwnerRedirectTest, WhileNoInstanceRoutesTheTenantTheAnswerIs503WithRetryAfter) {
  StartCluster();
  RouteElsewhere("acme", std::nullopt);
  for (const HttpReply& reply : {Front("GET", "/api/v1/queues", kAcmeAdmin),
                                 Front("PUT", "/api/v1/tenant/cap", kAcmeAdmin, R"({"max_concurrent_sessions":1})")}) {
    EXPECT_EQ(reply.status, 503) << reply.body;
    EXPECT_EQ(reply.Header("Retry-After"), "1");
    EXPECT_EQ(reply.Header("Location"), "");
    EXPECT_EQ(reply.Json().Str("/error"), "no_owner") << reply.body;
    EXPECT_EQ(reply.Json().Str("/detail"), "tenant acme is being taken over by another instance: retry shortly");
    EXPECT_FALSE(reply.Json().Has("/owner")) << reply.body;
  }
  // A URL that cannot go into a header is no URL.
  RouteElsewhere("acme", "https://bad host\r\nX-Forged: 1");
  HttpReply forged = Front("GET", "/api/v1/queues", kAcmeAdmin);
  EXPECT_EQ(forged.status, 503) << forged.body;
  EXPECT_EQ(forged.Header("X-Forged"), "");
}

TEST_F(OwnerRedirectTest, TenantsRoutedHereAreServedAsBefore) {
  StartCluster();
  RouteElsewhere("acme", std::string(kOwner));
  HttpReply globex = Front("GET", "/api/v1/agents", kGlobexAdmin);
  ASSERT_EQ(globex.status, 200) << globex.body;
  EXPECT_EQ(globex.Json().Str("/agents/0/employee_id"), "g1");
  HttpReply write = Front("PUT", "/api/v1/agents/g1/state", kG1Token, R"({"state":"signed_in"})");
  EXPECT_EQ(write.status, 200) << write.body;
  EXPECT_EQ(Api("GET", "/api/v1/agents/g1/state", kG1Token).Json().Str("/state"), "not_ready");
  // And a WebSocket of such a tenant works as ever.
  WsClient ws(front_port());
  StatusOr<int> upgraded = ws.Connect("/api/v1/agents/g1/ws", kG1Token, kWait);
  ASSERT_TRUE(upgraded.ok() && *upgraded == 101);
  StatusOr<std::string> first = ws.Read(kWait);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(JsonDoc::Parse(*first).Str("/type"), "state") << *first;

  // Back here: served again.
  RouteHere("acme");
  HttpReply acme = Front("GET", "/api/v1/agents/a1/state", kA1Token);
  EXPECT_EQ(acme.status, 200) << acme.body;
  EXPECT_EQ(acme.Json().Str("/employee_id"), "a1");
}

TEST_F(OwnerRedirectTest, WithoutAValidTokenTheAnswerIs401AndNamesNoOwner) {
  StartCluster();
  RouteElsewhere("acme", std::string(kOwner));
  for (const HttpReply& reply : {Front("GET", "/api/v1/agents/a1/state", ""),
                                 Front("GET", "/api/v1/agents/a1/state", "not-a-token"),
                                 Front("PUT", "/api/v1/tenant/cap", "", R"({"max_concurrent_sessions":1})")}) {
    EXPECT_EQ(reply.status, 401) << reply.body;
    EXPECT_EQ(reply.Header("Location"), "");
    EXPECT_THAT(reply.body, Not(HasSubstr("routerd-2"))) << reply.body;
  }
  WsClient ws(front_port());
  StatusOr<int> upgrade = ws.Connect("/api/v1/agents/a1/ws", "", kWait);
  ASSERT_TRUE(upgrade.ok()) << upgrade.status().ToString();
  EXPECT_EQ(*upgrade, 401);
  EXPECT_THAT(ws.refusal_body(), Not(HasSubstr("routerd-2")));
}

TEST_F(OwnerRedirectTest, AgentWebSocketIsClosedWith4004AndTheOwnersUrlWithoutAttaching) {
  StartCluster();
  // Connected here before (through the daemon's port, which asks no owner):
  // a refused connection must not touch the agent's channel, or it would
  // replace this one.
  auto a1 = Connect("a1", kA1Token);
  RouteElsewhere("acme", std::string(kOwner));
  Ended moved = OpenAndWaitClose(front_port(), "a1", kA1Token);
  EXPECT_EQ(moved.upgrade, 101);
  EXPECT_EQ(moved.close_code, 4004);
  EXPECT_EQ(moved.reason, kOwner);
  EXPECT_EQ(moved.frames, 0) << "nothing of this instance's state";

  // No URL, or one too long for a close reason (123 bytes): reconnect as usual.
  RouteElsewhere("acme", std::nullopt);
  Ended unknown = OpenAndWaitClose(front_port(), "a1", kA1Token);
  EXPECT_EQ(unknown.close_code, 4004);
  EXPECT_EQ(unknown.reason, "owner unknown: reconnect");
  RouteElsewhere("acme", "https://" + std::string(116, 'r') + ".example");  // 132 bytes
  Ended too_long = OpenAndWaitClose(front_port(), "a1", kA1Token);
  EXPECT_EQ(too_long.close_code, 4004);
  EXPECT_EQ(too_long.reason, "owner unknown: reconnect");
  RouteElsewhere("acme", "https://" + std::string(107, 'r') + ".example");  // 123 bytes: fits
  EXPECT_EQ(OpenAndWaitClose(front_port(), "a1", kA1Token).reason, "https://" + std::string(107, 'r') + ".example");

  EXPECT_EQ(daemon().agent_gateway().connected(), 1u);
  a1->Ack(R"("type":"sign_in")");
  EXPECT_EQ(a1->NextOfType("state").Str("/state"), "not_ready");
}

TEST_F(OwnerRedirectTest, AConnectionAttachedAsTheTenantMovesIsClosedWithoutAGracePeriod) {
  StartCluster({.grace_seconds = 1});
  auto a1 = ConnectReady("a1", kA1Token);  // on the daemon's port
  a1->Abort();                             // a grace period runs for a1
  // The upgrade still finds acme here; the check made once attached does not.
  RouteElsewhere("acme", std::string(kOwner), 1);
  Ended moved = OpenAndWaitClose(front_port(), "a1", kA1Token);
  EXPECT_EQ(moved.upgrade, 101);
  EXPECT_EQ(moved.close_code, 4004);
  EXPECT_EQ(moved.reason, kOwner);
  EXPECT_EQ(daemon().agent_gateway().connected(), 0u);
  // The channel was reset: neither the old grace period nor a new one signs
  // the agent out.
  std::this_thread::sleep_for(std::chrono::milliseconds(1600));
  EXPECT_EQ(daemon().agent_gateway().counters().grace_sign_outs.load(), 0u);
  EXPECT_NE(Api("GET", "/api/v1/agents/a1/state", kA1Token).Json().Str("/state"), "signed_out");
}

}  // namespace
}  // namespace routerd::gateway_test
