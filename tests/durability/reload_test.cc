// SIGHUP through the real executable, under webhook traffic: a valid file's
// token and cap changes apply at once (a removed token's WebSocket is closed
// with 4003, a new token works, agents get the new caps unless one was set at
// run time), other changes are named as waiting for a restart,
// an invalid file changes nothing, and no webhook request fails meanwhile.
// The same reload through POST /api/v1/operator/reload, which answers what it
// did, and opens for operator tokens only.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <fstream>
#include <thread>

#include "tests/durability/reload_fixture.h"

namespace routerd::durability {
namespace {

TEST_F(ReloadTest, SighupAppliesTokensLiveUnderTrafficAndAnInvalidFileChangesNothing) {
  const DurabilityConfig config = StartDaemon(/*with_operator=*/false);
  ASSERT_FALSE(HasFailure());

  gateway_test::WsClient a2(runner_.port());
  ASSERT_EQ(*a2.Connect("/api/v1/agents/a2/ws", kA2Token, kWait), 101);
  ASSERT_TRUE(a2.Read(kWait).ok());  // its state

  // Traffic throughout: every webhook request must be answered 200.
  WebTraffic traffic(runner_.port(), "reload-");

  // a2's token replaced, the tenant's cap changed (applied at once) and a
  // channel's secret (that waits for a restart).
  ASSERT_TRUE(WaitState("a2", "\"effective_cap\":" + std::to_string(config.tenant_cap) + ","));
  std::string text = DurabilityToml(config);
  Replace(text, gateway_test::Sha256Hex(kA2Token), gateway_test::Sha256Hex(kNewA2Token));
  Replace(text, "max_concurrent_sessions = " + std::to_string(config.tenant_cap),
          "max_concurrent_sessions = " + std::to_string(config.tenant_cap + 2));
  Replace(text, "secret = \"web-small-test-secret\"", "secret = \"web-small-test-secret-2\"");
  Write(text);
  runner_.process().Signal(SIGHUP);

  // Its new cap may be told first (the agents and caps apply before the tokens).
  int frames = 0;
  while (a2.Read(kWait).ok()) ASSERT_LT(++frames, 3) << "the connection stays open";
  EXPECT_EQ(a2.close_code(), 4003) << "the removed token's connection is closed saying why";
  EXPECT_TRUE(WaitStatus(kA2Token, 401));
  EXPECT_EQ(StatusOf(kNewA2Token), 200);
  EXPECT_EQ(StatusOf(kAdminToken), 200) << "tokens the file kept still work";
  EXPECT_TRUE(WaitOutput("file tokens 1 added, 1 removed (1 agent connections closed)")) << runner_.process().Output();
  EXPECT_TRUE(WaitOutput("caps and limits of 1 tenant(s) as the file sets them")) << runner_.process().Output();
  EXPECT_TRUE(WaitState("a2", "\"effective_cap\":" + std::to_string(config.tenant_cap + 2) + ","))
      << StateOf("a2");
  EXPECT_TRUE(WaitOutput("not applied until a restart: tenant 'acme': channel 'web-small'"))
      << runner_.process().Output();
  EXPECT_EQ(runner_.process().Output().find("not applied until a restart: tenant 'acme': max_concurrent_sessions"),
            std::string::npos);

  // An invalid file: the reload is refused, naming the line; nothing changes.
  Write(text + "\n[[tenants]]\nid = \"acme\"\nsurprise = 1\n");
  runner_.process().Signal(SIGHUP);
  EXPECT_TRUE(WaitOutput("refused: ")) << runner_.process().Output();
  EXPECT_TRUE(WaitOutput("unknown key 'surprise'")) << runner_.process().Output();
  EXPECT_TRUE(runner_.process().Running());
  EXPECT_EQ(StatusOf(kNewA2Token), 200);

  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  traffic.Stop();
  EXPECT_GT(traffic.sent(), 0);
  EXPECT_EQ(traffic.failed(), 0) << "of " << traffic.sent() << " webhook requests";
  EXPECT_EQ(runner_.Terminate(), 0) << runner_.process().Output();
}

TEST_F(ReloadTest, TheOperatorRouteReloadsAndAnswersWhatItDid) {
  const DurabilityConfig config = StartDaemon(/*with_operator=*/true);
  ASSERT_FALSE(HasFailure());

  // Only an operator token opens it: no token, a tenant admin's, an agent's.
  EXPECT_EQ(Reload("").status, 401);
  EXPECT_EQ(Reload(kAdminToken).status, 401);
  EXPECT_EQ(Reload(kA2Token).status, 401);
  EXPECT_EQ(Reload(kOperatorToken, "GET").status, 405);
  {
    gateway_test::HttpClient http(runner_.port());
    auto other = http.Send("POST", "/api/v1/operator/restart", {}, Bearer(kOperatorToken));
    ASSERT_TRUE(other.ok());
    EXPECT_EQ(other->status, 404);
    // An operator token opens no tenant route.
    auto tenant_route = http.Send("GET", "/api/v1/agents/a2/state", {}, Bearer(kOperatorToken));
    ASSERT_TRUE(tenant_route.ok());
    EXPECT_EQ(tenant_route->status, 401);
  }

  // The same file: nothing to do.
  gateway_test::HttpReply same = Reload(kOperatorToken);
  EXPECT_EQ(same.status, 200) << same.body;
  EXPECT_THAT(same.body, ::testing::HasSubstr("\"reloaded\":true,\"tokens_added\":0,\"tokens_removed\":0,"
                                              "\"connections_closed\":0,\"operator_tokens\":1,\"tenants_applied\":1,"
                                              "\"ous_changed\":0,\"queues_changed\":0,\"channels_changed\":0,\"agents_changed\":0,\"needs_restart\":[]"));

  // An administrator sets a1's cap through the API: it wins over the file's caps.
  {
    gateway_test::HttpClient http(runner_.port());
    auto set = http.Send("PUT", "/api/v1/agents/a1/cap", "{\"max_concurrent_sessions\":4}", Bearer(kAdminToken));
    ASSERT_TRUE(set.ok());
    ASSERT_EQ(set->status, 200) << set->body;
  }

  // a2's token replaced, the tenant's cap and idle timeout changed (applied
  // at once), a channel's secret (that waits for a restart), the operator's
  // token rotated.
  std::string text = DurabilityToml(config);
  Replace(text, gateway_test::Sha256Hex(kA2Token), gateway_test::Sha256Hex(kNewA2Token));
  Replace(text, "max_concurrent_sessions = " + std::to_string(config.tenant_cap),
          "max_concurrent_sessions = " + std::to_string(config.tenant_cap + 1));
  Replace(text, "session_idle_timeout_seconds = 604800", "session_idle_timeout_seconds = 604799");
  Replace(text, "secret = \"web-small-test-secret\"", "secret = \"web-small-test-secret-2\"");
  Replace(text, gateway_test::Sha256Hex(kOperatorToken), gateway_test::Sha256Hex(kNewOperatorToken));
  Write(text);
  gateway_test::HttpReply changed = Reload(kOperatorToken);
  EXPECT_EQ(changed.status, 200) << changed.body;
  EXPECT_THAT(changed.body, ::testing::HasSubstr("\"tokens_added\":1,\"tokens_removed\":1,"));
  EXPECT_THAT(changed.body,
              ::testing::HasSubstr("\"needs_restart\":[\"tenant 'acme': channel 'web-small'\"]"));
  // Answered once applied: the new cap is in effect, the API's still wins.
  EXPECT_THAT(StateOf("a2"), ::testing::HasSubstr("\"effective_cap\":" + std::to_string(config.tenant_cap + 1) + ","));
  EXPECT_THAT(StateOf("a1"), ::testing::HasSubstr("\"effective_cap\":4,"));
  {
    gateway_test::HttpClient http(runner_.port());
    auto in_effect = http.Send("GET", "/api/v1/config", {}, Bearer(kAdminToken));
    ASSERT_TRUE(in_effect.ok());
    EXPECT_THAT(in_effect->body, ::testing::HasSubstr("\"session_idle_timeout_seconds\":604799,"));
    EXPECT_THAT(in_effect->body, ::testing::HasSubstr("\"configured_max_concurrent_sessions\":" +
                                                      std::to_string(config.tenant_cap + 1) + ","));
  }
  EXPECT_EQ(StatusOf(kA2Token), 401);
  EXPECT_EQ(StatusOf(kNewA2Token), 200);
  EXPECT_EQ(Reload(kOperatorToken).status, 401) << "the rotated operator token is gone at once";

  // An invalid file: 422 naming the file and line; nothing changes.
  const std::string bad = text + "\n[[tenants]]\nid = \"acme\"\nsurprise = 1\n";
  Write(bad);
  gateway_test::HttpReply refused = Reload(kNewOperatorToken);
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_THAT(refused.body, ::testing::HasSubstr("\"error\":\"invalid_configuration\""));
  const int surprise_line = static_cast<int>(std::count(bad.begin(), bad.begin() + bad.find("surprise"), '\n')) + 1;
  EXPECT_THAT(refused.body, ::testing::HasSubstr(runner_.config_path() + ":" + std::to_string(surprise_line) + ": "));
  EXPECT_THAT(refused.body, ::testing::HasSubstr("unknown key 'surprise'"));
  EXPECT_EQ(StatusOf(kNewA2Token), 200);
  EXPECT_EQ(Reload(kNewOperatorToken).status, 422) << "the operator tokens in effect are the last valid file's";
  EXPECT_TRUE(runner_.process().Running());
  EXPECT_EQ(runner_.Terminate(), 0) << runner_.process().Output();
}

}  // namespace
}  // namespace routerd::durability
