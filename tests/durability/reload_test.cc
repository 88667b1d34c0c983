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

#include "tests/durability/durability_config.h"
#include "tests/durability/routerd_process.h"
#include "tests/gateway/gateway_fixture.h"
#include "tests/gateway/test_clients.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::durability {
namespace {

constexpr auto kWait = std::chrono::seconds(10);
constexpr std::string_view kNewA2Token = "acme-a2-reloaded-token";
constexpr std::string_view kOperatorToken = "operator-token-of-ops";
constexpr std::string_view kNewOperatorToken = "operator-token-rotated";

std::string OperatorTokenToml(std::string_view name, std::string_view token) {
  return "\n[[operator_tokens]]\nname = \"" + std::string(name) + "\"\ntoken_sha256 = \"" +
         gateway_test::Sha256Hex(token) + "\"\n";
}

class ReloadTest : public ::testing::Test {
 protected:
  ReloadTest() : runner_(dir_.path()) {}

  void Write(const std::string& text) {
    std::ofstream out(runner_.config_path(), std::ios::trunc);
    out << text;
    ASSERT_TRUE(out.good());
  }
  int StatusOf(std::string_view token) {
    gateway_test::HttpClient http(runner_.port());
    auto reply = http.Send("GET", "/api/v1/agents/a2/state", {}, Bearer(token));
    return reply.ok() ? reply->status : 0;
  }
  // An agent's state as the tenant admin reads it.
  std::string StateOf(std::string_view agent) {
    gateway_test::HttpClient http(runner_.port());
    auto reply = http.Send("GET", "/api/v1/agents/" + std::string(agent) + "/state", {}, Bearer(kAdminToken));
    return reply.ok() ? reply->body : std::string();
  }
  bool WaitState(std::string_view agent, std::string_view text) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (std::chrono::steady_clock::now() < deadline) {
      if (StateOf(agent).find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  // The file's text with `from` replaced by `to` (which must be there).
  static void Replace(std::string& text, std::string_view from, std::string_view to) {
    const std::size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
  }
  // Polls until `token` is answered `status` (a reload runs when the signal
  // is handled, shortly after it is sent).
  bool WaitStatus(std::string_view token, int status) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (std::chrono::steady_clock::now() < deadline) {
      if (StatusOf(token) == status) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  bool WaitOutput(std::string_view text) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (std::chrono::steady_clock::now() < deadline) {
      if (runner_.process().Output().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  // Starts routerd on the durability configuration (with an operator token
  // when `with_operator`); the configuration it runs.
  DurabilityConfig StartDaemon(bool with_operator) {
    DurabilityConfig config;
    config.data_dir = dir_.path() + "/data";
    config.log_level = "info";
    if (with_operator) config.extra_toml = OperatorTokenToml("ops", kOperatorToken);
    const Status started = runner_.Start(config);
    EXPECT_TRUE(started.ok()) << started.ToString();
    config.port = runner_.port();
    return config;
  }

  gateway_test::HttpReply Reload(std::string_view token, std::string_view method = "POST") {
    gateway_test::HttpClient http(runner_.port());
    auto reply = http.Send(method, "/api/v1/operator/reload", {}, Bearer(token));
    EXPECT_TRUE(reply.ok()) << reply.status().ToString();
    return reply.ok() ? *reply : gateway_test::HttpReply{};
  }

  storage::testing::TempDir dir_;
  RouterdRunner runner_;
};

TEST_F(ReloadTest, SighupAppliesTokensLiveUnderTrafficAndAnInvalidFileChangesNothing) {
  const DurabilityConfig config = StartDaemon(/*with_operator=*/false);
  ASSERT_FALSE(HasFailure());

  gateway_test::WsClient a2(runner_.port());
  ASSERT_EQ(*a2.Connect("/api/v1/agents/a2/ws", kA2Token, kWait), 101);
  ASSERT_TRUE(a2.Read(kWait).ok());  // its state

  // Traffic throughout: every webhook request must be answered 200.
  std::atomic<bool> stop{false};
  std::atomic<int> sent{0}, failed{0};
  std::thread traffic([&] {
    gateway_test::HttpClient http(runner_.port());
    for (int i = 0; !stop.load(); ++i) {
      const Delivery d = Deliver(http, WebEvent(kWebChannel, "reload-" + std::to_string(i), "message",
                                                "visitor-" + std::to_string(i % 50), "hello"));
      ++sent;
      if (d.status != 200) ++failed;
    }
  });

  // a2's token replaced, the tenant's cap changed (applied at once) and a
  // queue's strategy (that waits for a restart).
  ASSERT_TRUE(WaitState("a2", "\"effective_cap\":" + std::to_string(config.tenant_cap) + ","));
  std::string text = DurabilityToml(config);
  Replace(text, gateway_test::Sha256Hex(kA2Token), gateway_test::Sha256Hex(kNewA2Token));
  Replace(text, "max_concurrent_sessions = " + std::to_string(config.tenant_cap),
          "max_concurrent_sessions = " + std::to_string(config.tenant_cap + 2));
  Replace(text, "strategy = \"least_busy\"", "strategy = \"longest_idle\"");
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
  EXPECT_TRUE(WaitOutput("not applied until a restart: tenant 'acme': skill_queues"))
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
  stop = true;
  traffic.join();
  EXPECT_GT(sent.load(), 0);
  EXPECT_EQ(failed.load(), 0) << "of " << sent.load() << " webhook requests";
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
                                              "\"ous_changed\":0,\"agents_changed\":0,\"needs_restart\":[]"));

  // An administrator sets a1's cap through the API: it wins over the file's caps.
  {
    gateway_test::HttpClient http(runner_.port());
    auto set = http.Send("PUT", "/api/v1/agents/a1/cap", "{\"max_concurrent_sessions\":4}", Bearer(kAdminToken));
    ASSERT_TRUE(set.ok());
    ASSERT_EQ(set->status, 200) << set->body;
  }

  // a2's token replaced, the tenant's cap and idle timeout changed (applied
  // at once), a queue's strategy (that waits for a restart), the operator's
  // token rotated.
  std::string text = DurabilityToml(config);
  Replace(text, gateway_test::Sha256Hex(kA2Token), gateway_test::Sha256Hex(kNewA2Token));
  Replace(text, "max_concurrent_sessions = " + std::to_string(config.tenant_cap),
          "max_concurrent_sessions = " + std::to_string(config.tenant_cap + 1));
  Replace(text, "session_idle_timeout_seconds = 604800", "session_idle_timeout_seconds = 604799");
  Replace(text, "strategy = \"least_busy\"", "strategy = \"longest_idle\"");
  Replace(text, gateway_test::Sha256Hex(kOperatorToken), gateway_test::Sha256Hex(kNewOperatorToken));
  Write(text);
  gateway_test::HttpReply changed = Reload(kOperatorToken);
  EXPECT_EQ(changed.status, 200) << changed.body;
  EXPECT_THAT(changed.body, ::testing::HasSubstr("\"tokens_added\":1,\"tokens_removed\":1,"));
  EXPECT_THAT(changed.body,
              ::testing::HasSubstr("\"needs_restart\":[\"tenant 'acme': skill_queues\"]"));
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

TEST_F(ReloadTest, AnAgentMovedToAnotherQueueStaysConnectedAndServesItAtOnce) {
  const DurabilityConfig config = StartDaemon(/*with_operator=*/true);
  ASSERT_FALSE(HasFailure());

  // a3 serves "senior" only; a web customer waits in "chat", where nobody is signed in.
  std::unique_ptr<gateway_test::AgentConnection> a3 = gateway_test::ConnectReadyAgent(runner_.port(), "a3", kA3Token);
  gateway_test::HttpClient http(runner_.port());
  ASSERT_EQ(Deliver(http, WebEvent(kWebChannel, "moved-1", "message", "visitor-moved", "hello")).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(a3->unread(), 0u);

  // The file moves a3 into "chat" too and names it.
  std::string text = DurabilityToml(config);
  Replace(text, "skill_queues = [\"senior\"]", "skill_queues = [\"chat\", \"senior\"]\nname = \"Ann Lee\"");
  Write(text);
  gateway_test::HttpReply moved = Reload(kOperatorToken);
  EXPECT_EQ(moved.status, 200) << moved.body;
  EXPECT_THAT(moved.body,
              ::testing::HasSubstr("\"tenants_applied\":1,\"ous_changed\":0,\"agents_changed\":1,\"needs_restart\":[]"));

  // On the connection it had: the waiting customer is its at once.
  const gateway_test::JsonDoc assigned = a3->NextOfType("assigned");
  EXPECT_EQ(assigned.Str("/customer/id"), "visitor-moved") << assigned.text();
  auto in_effect = http.Send("GET", "/api/v1/config", {}, Bearer(kAdminToken));
  ASSERT_TRUE(in_effect.ok());
  EXPECT_THAT(in_effect->body, ::testing::HasSubstr("\"employee_id\":\"a3\",\"name\":\"Ann Lee\""));
  EXPECT_THAT(in_effect->body, ::testing::HasSubstr("\"skill_queues\":[\"chat\",\"senior\"]"));

  // The same file again: nothing left to change.
  gateway_test::HttpReply again = Reload(kOperatorToken);
  EXPECT_THAT(again.body, ::testing::HasSubstr("\"agents_changed\":0,"));
  EXPECT_EQ(runner_.Terminate(), 0) << runner_.process().Output();
}

TEST_F(ReloadTest, OusAndQueueKeysTheFileChangesApplyAtOnceWhileTheAgentsStayConnected) {
  const DurabilityConfig config = StartDaemon(/*with_operator=*/true);
  ASSERT_FALSE(HasFailure());
  auto a1 = gateway_test::ConnectReadyAgent(runner_.port(), "a1", kA1Token);
  gateway_test::HttpClient http(runner_.port());
  auto a1_state = [&] {
    auto reply = http.Send("GET", "/api/v1/agents/a1/state", {}, Bearer(kAdminToken));
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? reply->Json() : gateway_test::JsonDoc::Parse("{}");
  };

  // A new OU "night" (cap 1) under "desk", and a1 in it.
  const std::string base = DurabilityToml(config);
  std::string text = base;
  Replace(text, "[[tenants.ous]]\nid = \"desk\"\n",
          "[[tenants.ous]]\nid = \"desk\"\n\n[[tenants.ous]]\nid = \"night\"\nparent = \"desk\"\n"
          "max_concurrent_sessions = 1\n");
  std::string with_a1 = text;
  Replace(with_a1, "employee_id = \"a1\"\nou = \"desk\"", "employee_id = \"a1\"\nou = \"night\"");
  // And, live too, another priority and no automatic allocation for "chat".
  Replace(with_a1, "id = \"chat\"\nstrategy = \"least_busy\"",
          "id = \"chat\"\nstrategy = \"least_busy\"\npriority = 4\nauto_allocate = false");
  Write(with_a1);
  gateway_test::HttpReply reloaded = Reload(kOperatorToken);
  EXPECT_EQ(reloaded.status, 200) << reloaded.body;
  EXPECT_THAT(reloaded.body, ::testing::HasSubstr("\"ous_changed\":1,\"agents_changed\":1,\"needs_restart\":[]"));
  EXPECT_EQ(a1_state().Int("/effective_cap"), 1);
  EXPECT_EQ(a1_state().Str("/cap_origin_ou"), "night");
  auto config_now = http.Send("GET", "/api/v1/config", {}, Bearer(kAdminToken));
  ASSERT_TRUE(config_now.ok());
  EXPECT_EQ(config_now->Json().Int("/skill_queues/0/priority"), 4) << config_now->body;
  EXPECT_EQ(config_now->Json().Bool("/skill_queues/0/auto_allocate"), false) << config_now->body;
  // Told on the connection it had (after the states of its sign-in, if unread).
  std::optional<std::int64_t> told;
  for (int i = 0; i < 4 && told != 1; ++i) told = a1->NextOfType("state").Int("/effective_cap");
  EXPECT_EQ(told, 1);

  // Its cap raised in the file: a1's follows.
  Replace(with_a1, "max_concurrent_sessions = 1\n", "max_concurrent_sessions = 3\n");
  Write(with_a1);
  reloaded = Reload(kOperatorToken);
  EXPECT_THAT(reloaded.body, ::testing::HasSubstr("\"ous_changed\":1,\"agents_changed\":0,"));
  EXPECT_EQ(a1_state().Int("/effective_cap"), 3);

  // a1 back in desk and night gone, in one file.
  Write(base);
  reloaded = Reload(kOperatorToken);
  EXPECT_THAT(reloaded.body, ::testing::HasSubstr("\"ous_changed\":1,\"agents_changed\":1,\"needs_restart\":[]"));
  EXPECT_EQ(a1_state().Str("/state"), "ready") << "still signed in";
  EXPECT_EQ(a1_state().Int("/effective_cap"), config.tenant_cap);
  auto in_effect = http.Send("GET", "/api/v1/config", {}, Bearer(kAdminToken));
  ASSERT_TRUE(in_effect.ok());
  EXPECT_THAT(in_effect->body, ::testing::Not(::testing::HasSubstr("\"id\":\"night\"")));
  EXPECT_EQ(http.Send("PUT", "/api/v1/ous/night/cap", R"({"max_concurrent_sessions":2})", Bearer(kAdminToken))->status,
            404);
  EXPECT_EQ(runner_.Terminate(), 0) << runner_.process().Output();
}

TEST_F(ReloadTest, AgentsTheFileAddsOrRemovesJoinOrLeaveAtOnce) {
  const DurabilityConfig config = StartDaemon(/*with_operator=*/true);
  ASSERT_FALSE(HasFailure());
  constexpr std::string_view kA4Token = "acme-a4-hired-token";
  // a1 holds a customer.
  auto a1 = gateway_test::ConnectReadyAgent(runner_.port(), "a1", kA1Token);
  gateway_test::HttpClient http(runner_.port());
  ASSERT_EQ(Deliver(http, WebEvent(kWebChannel, "left-1", "message", "visitor-left", "hello")).status, 200);
  EXPECT_EQ(a1->NextOfType("assigned").Str("/customer/id"), "visitor-left");

  // The file removes a1 (and its token) and hires a4 into "chat", with a token.
  const std::string a1_table = "[[tenants.agents]]\nemployee_id = \"a1\"\nou = \"desk\"\ntype = \"multimedia\"\n";
  const std::string a4_table = "[[tenants.agents]]\nemployee_id = \"a4\"\nou = \"desk\"\ntype = \"multimedia\"\n";
  const std::string a1_token = "employee_id = \"a1\"\ntoken_sha256 = \"" + gateway_test::Sha256Hex(kA1Token) + "\"";
  const std::string a4_token = "employee_id = \"a4\"\ntoken_sha256 = \"" + gateway_test::Sha256Hex(kA4Token) + "\"";
  const std::string original = DurabilityToml(config);
  std::string text = original;
  Replace(text, a1_table, a4_table);
  Replace(text, a1_token, a4_token);
  Write(text);
  gateway_test::HttpReply changed = Reload(kOperatorToken);
  EXPECT_EQ(changed.status, 200) << changed.body;
  EXPECT_THAT(changed.body, ::testing::HasSubstr("\"tokens_added\":1,\"tokens_removed\":1,\"connections_closed\":1,"));
  EXPECT_THAT(changed.body, ::testing::HasSubstr("\"agents_changed\":2,\"needs_restart\":[]"));

  // a1 is told it was removed; its token no longer opens anything.
  EXPECT_TRUE(a1->WaitClosed());
  EXPECT_EQ(a1->ws().close_code(), 4005);
  {
    auto state = http.Send("GET", "/api/v1/agents/a1/state", {}, Bearer(kAdminToken));
    ASSERT_TRUE(state.ok());
    EXPECT_EQ(state->status, 404) << state->body;
  }
  // Every list of agents follows: the API's, and the console's (leave-message allocation).
  for (const char* target : {"/api/v1/agents", "/console/api/agents"}) {
    auto listed = http.Send("GET", target, {}, Bearer(kAdminToken));
    ASSERT_TRUE(listed.ok());
    EXPECT_THAT(listed->body, ::testing::HasSubstr("\"employee_id\":\"a4\"")) << target;
    EXPECT_THAT(listed->body, ::testing::Not(::testing::HasSubstr("\"employee_id\":\"a1\""))) << target;
  }
  // A leave message is allocated to a4, not to a1 (no message 999999: the agent is checked first).
  auto to_a1 = http.Send("POST", "/api/v1/messages/999999/allocate", R"({"employee_id":"a1"})", Bearer(kAdminToken));
  ASSERT_TRUE(to_a1.ok());
  EXPECT_EQ(to_a1->status, 400) << to_a1->body;
  EXPECT_THAT(to_a1->body, ::testing::HasSubstr("is not an agent of this tenant"));
  auto to_a4 = http.Send("POST", "/api/v1/messages/999999/allocate", R"({"employee_id":"a4"})", Bearer(kAdminToken));
  ASSERT_TRUE(to_a4.ok());
  EXPECT_EQ(to_a4->status, 404) << to_a4->body;

  // a4 signs in with its new token and gets the customer a1 left, at once.
  auto a4 = gateway_test::ConnectReadyAgent(runner_.port(), "a4", kA4Token);
  const gateway_test::JsonDoc assigned = a4->NextOfType("assigned");
  EXPECT_EQ(assigned.Str("/customer/id"), "visitor-left") << assigned.text();

  // a1 comes back (a4 stays): its old token works again, signed out.
  std::string back = original;
  Replace(back, a1_table, a4_table + "skill_queues = [\"chat\"]\n\n" + a1_table);
  back += "\n[[tenants.tokens]]\nrole = \"agent\"\n" + a4_token + "\n";
  Write(back);
  gateway_test::HttpReply returned = Reload(kOperatorToken);
  EXPECT_EQ(returned.status, 200) << returned.body;
  EXPECT_THAT(returned.body, ::testing::HasSubstr("\"agents_changed\":1,\"needs_restart\":[]"));
  EXPECT_TRUE(WaitState("a1", "\"state\":\"signed_out\""));
  EXPECT_EQ(StatusOf(kA4Token), 403) << "a4's token acts for a4, not a2";
  EXPECT_EQ(runner_.Terminate(), 0) << runner_.process().Output();
}

}  // namespace
}  // namespace routerd::durability
