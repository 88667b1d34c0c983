// Run-time administration through the real executable killed with SIGKILL: a
// cap set, a token created and agents and OUs created, changed or removed
// through the API are answered only once stored, so all are there after the
// kill and restart, and win over the file (also at a reload). Provisioning
// checks a body by the file's rules, answers 400 naming the key, 404 and 409,
// and changes agents and OUs while the agents stay connected. On SQLite and on PostgreSQL (a
// fresh database of the test's own).
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <thread>

#include "tests/durability/durability_backend.h"
#include "tests/durability/durability_config.h"
#include "tests/durability/routerd_process.h"
#include "tests/gateway/gateway_fixture.h"
#include "tests/gateway/test_clients.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::durability {
namespace {

class AdministrationKillTest : public ::testing::TestWithParam<std::string> {
 protected:
  AdministrationKillTest() : runner_(dir_.path()) { storage_.data_dir = dir_.path() + "/data"; }

  // The test's storage, kept across the kill.
  void SetUp() override {
    const Status backend = UseBackend(GetParam(), storage_);
    ASSERT_TRUE(backend.ok()) << backend.ToString();
  }

  void Start() {
    DurabilityConfig config = storage_;
    config.log_level = "info";
    http_.reset();
    const Status started = runner_.Start(config);
    ASSERT_TRUE(started.ok()) << started.ToString();
    http_ = std::make_unique<gateway_test::HttpClient>(runner_.port());
  }
  gateway_test::HttpReply Call(std::string_view method, std::string_view target, std::string_view token,
                               std::string body = {}) {
    gateway_test::Headers headers = Bearer(token);
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    auto reply = http_->Send(method, target, std::move(body), headers);
    EXPECT_TRUE(reply.ok()) << target << ": " << reply.status().ToString();
    return reply.ok() ? std::move(reply).value() : gateway_test::HttpReply{};
  }

  storage::testing::TempDir dir_;
  DurabilityConfig storage_;  // data_dir, backend and url
  RouterdRunner runner_;
  std::unique_ptr<gateway_test::HttpClient> http_;
};

INSTANTIATE_TEST_SUITE_P(Backends, AdministrationKillTest, AllBackends(), BackendName);

TEST_P(AdministrationKillTest, ACapAndATokenAnsweredBeforeAKillAreThereAfterIt) {
  Start();
  gateway_test::HttpReply reply =
      Call("PUT", "/api/v1/agents/a1/cap", kAdminToken, R"({"max_concurrent_sessions":7})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  reply = Call("POST", "/api/v1/tokens", kAdminToken, R"({"name":"a2-phone","role":"agent","employee_id":"a2"})");
  ASSERT_EQ(reply.status, 201) << reply.body;
  const std::string token = reply.Json().Str("/token").value_or("");
  ASSERT_FALSE(token.empty()) << reply.body;

  http_.reset();
  runner_.Kill();
  Start();

  reply = Call("GET", "/api/v1/agents/a1/state", kAdminToken);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Json().Int("/effective_cap"), 7) << reply.body;
  EXPECT_EQ(reply.Json().Str("/cap_origin"), "agent") << reply.body;
  EXPECT_EQ(Call("GET", "/api/v1/agents/a2/state", token).status, 200);
  const std::string log = runner_.process().Output();
  EXPECT_NE(log.find("1 cap settings applied over the configuration file, 1 API tokens"), std::string::npos) << log;
}

TEST_P(AdministrationKillTest, AgentsProvisionedThroughTheApiServeAtOnceAndOutliveAKillAndAReload) {
  Start();
  // Hired: a9 in "chat", with a token of its own.
  gateway_test::HttpReply reply = Call("POST", "/api/v1/agents", kAdminToken,
                                       R"({"employee_id":"a9","ou":"desk","type":"multimedia","skill_queues":["chat"],)"
                                       R"("name":"Nia Lee","skills":{"fr":2},"max_concurrent_sessions":2})");
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.Json().Str("/agent/name"), "Nia Lee") << reply.body;
  EXPECT_EQ(reply.Json().Int("/agent/max_concurrent_sessions"), 2) << reply.body;
  reply = Call("POST", "/api/v1/tokens", kAdminToken, R"({"name":"a9-desk","role":"agent","employee_id":"a9"})");
  ASSERT_EQ(reply.status, 201) << reply.body;
  const std::string token = reply.Json().Str("/token").value_or("");

  // Refused with the file's rules, naming the key; nothing changes.
  auto refused = [&](std::string_view method, std::string_view target, std::string body, int status,
                     std::string_view says) {
    gateway_test::HttpReply r = Call(method, target, kAdminToken, std::move(body));
    EXPECT_EQ(r.status, status) << target << " " << r.body;
    EXPECT_NE(r.body.find(says), std::string::npos) << r.body;
  };
  refused("POST", "/api/v1/agents", R"({"employee_id":"a8","ou":"nowhere","type":"multimedia"})", 400,
          "ou = \\\"nowhere\\\" is not an OU of this tenant");
  refused("POST", "/api/v1/agents", R"({"employee_id":"a8","ou":"desk","type":"multimedia","colour":"red"})", 400,
          "unknown key 'colour'");
  refused("POST", "/api/v1/agents", R"({"employee_id":"a8","ou":"desk","type":"robot"})", 400, "type");
  refused("POST", "/api/v1/agents",
          R"({"employee_id":"a8","ou":"desk","type":"multimedia","max_concurrent_sessions":2.5})", 400,
          "max_concurrent_sessions must be an integer");
  refused("POST", "/api/v1/agents", R"({"employee_id":"a9","ou":"desk","type":"multimedia"})", 409,
          "agent 'a9' exists");
  refused("POST", "/api/v1/agents", R"({"employee_id":"a8","ou":"desk","type":"multimedia","business_account":"a1"})",
          409, "business_account 'a1' is agent 'a1''s");
  refused("PUT", "/api/v1/agents/nobody", R"({"ou":"desk","type":"multimedia"})", 404, "no agent 'nobody'");
  refused("PUT", "/api/v1/agents/a9", R"({"employee_id":"a8","ou":"desk","type":"multimedia"})", 400,
          "an agent's id does not change");
  refused("DELETE", "/api/v1/agents/nobody", "", 404, "no agent 'nobody'");
  EXPECT_EQ(Call("POST", "/api/v1/agents", token, R"({"employee_id":"a8"})").status, 403) << "an agent's token";

  // a9 signs in and serves "chat" at once.
  std::unique_ptr<gateway_test::AgentConnection> a9 = gateway_test::ConnectReadyAgent(runner_.port(), "a9", token);
  ASSERT_EQ(Deliver(*http_, WebEvent(kWebChannel, "hired-1", "message", "visitor-hired", "bonjour")).status, 200);
  EXPECT_EQ(a9->NextOfType("assigned").Str("/customer/id"), "visitor-hired");

  // Moved to "senior" while connected; a1 removed.
  reply = Call("PUT", "/api/v1/agents/a9", kAdminToken,
               R"({"ou":"desk","type":"multimedia","skill_queues":["senior"],"name":"Nia Lee"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Json().Str("/agent/skill_queues/0"), "senior") << reply.body;
  EXPECT_EQ(reply.Json().Int("/agent/max_concurrent_sessions"), std::nullopt) << "replaced whole: " << reply.body;
  reply = Call("DELETE", "/api/v1/agents/a1", kAdminToken);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Json().Str("/removed"), "a1") << reply.body;
  EXPECT_EQ(Call("GET", "/api/v1/agents/a1/state", kAdminToken).status, 404);

  // All of it outlives a kill, and a reload of the file that knows none of it.
  http_.reset();
  runner_.Kill();
  Start();
  auto in_effect = [&] {
    gateway_test::HttpReply config = Call("GET", "/api/v1/config", kAdminToken);
    EXPECT_EQ(config.status, 200) << config.body;
    EXPECT_NE(config.body.find(R"("employee_id":"a9","name":"Nia Lee")"), std::string::npos) << config.body;
    EXPECT_NE(config.body.find(R"("skill_queues":["senior"])"), std::string::npos) << config.body;
    EXPECT_EQ(config.body.find(R"("employee_id":"a1")"), std::string::npos) << config.body;
    EXPECT_EQ(Call("GET", "/api/v1/agents/a9/state", token).status, 200);
  };
  in_effect();
  const std::string log = runner_.process().Output();
  EXPECT_NE(log.find("0 OU and 2 agent definitions and 0 cap settings applied over the configuration file"), std::string::npos)
      << log;
  runner_.process().Signal(SIGHUP);
  const auto deadline = std::chrono::steady_clock::now() + gateway_test::kWait;
  while (runner_.process().Output().find("reload of ") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(runner_.process().Output().find("0 agent(s) changed"), std::string::npos) << runner_.process().Output();
  in_effect();
}

TEST_P(AdministrationKillTest, OusProvisionedThroughTheApiCapTheirAgentsAtOnceAndOutliveAKill) {
  Start();
  std::unique_ptr<gateway_test::AgentConnection> a1 = gateway_test::ConnectReadyAgent(runner_.port(), "a1", kA1Token);
  gateway_test::HttpReply reply = Call("POST", "/api/v1/ous", kAdminToken, R"({"id":"night","max_concurrent_sessions":1})");
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.Json().Str("/ou/parent"), "") << reply.body;
  EXPECT_EQ(reply.Json().Int("/ou/max_concurrent_sessions"), 1) << reply.body;
  reply = Call("POST", "/api/v1/ous", kAdminToken, R"({"id":"late","parent":"night"})");
  ASSERT_EQ(reply.status, 201) << reply.body;
  reply = Call("GET", "/api/v1/ous", kAdminToken);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Json().Size("/ous"), 3u) << reply.body;
  EXPECT_EQ(reply.Json().Str("/ous/2/parent"), "night") << reply.body;
  reply = Call("GET", "/api/v1/ous/night", kAdminToken);
  EXPECT_EQ(reply.Json().Int("/ou/max_concurrent_sessions"), 1) << reply.body;
  EXPECT_EQ(reply.Json().Int("/ou/agents"), 0) << reply.body;

  // Refused with the file's rules, naming the key, or for what it would break.
  auto refused = [&](std::string_view method, std::string_view target, std::string body, int status,
                     std::string_view says) {
    gateway_test::HttpReply r = Call(method, target, kAdminToken, std::move(body));
    EXPECT_EQ(r.status, status) << target << " " << r.body;
    EXPECT_NE(r.body.find(says), std::string::npos) << r.body;
  };
  refused("POST", "/api/v1/ous", R"({"id":"x","parent":"nowhere"})", 400, R"(parent = \"nowhere\" is not an OU)");
  refused("POST", "/api/v1/ous", R"({"id":"x","max_concurrent_sessions":99})", 400, "max_concurrent_sessions");
  refused("POST", "/api/v1/ous", R"({"id":"x","colour":"red"})", 400, "unknown key 'colour'");
  refused("POST", "/api/v1/ous", R"({"id":"night"})", 409, "OU 'night' exists");
  refused("PUT", "/api/v1/ous/night", R"({"parent":"late"})", 400, "OU parents form a cycle");
  refused("PUT", "/api/v1/ous/nowhere", "{}", 404, "no OU 'nowhere'");
  refused("GET", "/api/v1/ous/nowhere", "", 404, "no OU 'nowhere'");
  refused("DELETE", "/api/v1/ous/desk", "", 409, "OU 'desk' has 3 agent(s) (a1, a2, a3)");
  refused("DELETE", "/api/v1/ous/night", "", 409, "OU 'night' has OUs under it (late)");
  EXPECT_EQ(Call("POST", "/api/v1/ous", kA1Token, R"({"id":"x"})").status, 403) << "an agent's token";

  // a1 moves to "late" while connected, and takes its cap from "night": one
  // session; a second customer waits until night's cap is raised.
  reply = Call("PUT", "/api/v1/agents/a1", kAdminToken, R"({"ou":"late","type":"multimedia","skill_queues":["chat"]})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  reply = Call("GET", "/api/v1/agents/a1/state", kAdminToken);
  EXPECT_EQ(reply.Json().Int("/effective_cap"), 1) << reply.body;
  EXPECT_EQ(reply.Json().Str("/cap_origin_ou"), "night") << reply.body;
  ASSERT_EQ(Deliver(*http_, WebEvent(kWebChannel, "ou-1", "message", "visitor-1", "hello")).status, 200);
  EXPECT_EQ(a1->NextOfType("assigned").Str("/customer/id"), "visitor-1");
  ASSERT_EQ(Deliver(*http_, WebEvent(kWebChannel, "ou-2", "message", "visitor-2", "hello")).status, 200);
  reply = Call("PUT", "/api/v1/ous/night", kAdminToken, R"({"max_concurrent_sessions":2})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Json().Int("/ou/max_concurrent_sessions"), 2) << reply.body;
  EXPECT_EQ(a1->NextOfType("assigned").Str("/customer/id"), "visitor-2");

  // All of it outlives a kill.
  a1.reset();
  http_.reset();
  runner_.Kill();
  Start();
  reply = Call("GET", "/api/v1/config", kAdminToken);
  EXPECT_NE(reply.body.find(R"("id":"night","parent":"","max_concurrent_sessions":2)"), std::string::npos)
      << reply.body;
  EXPECT_NE(reply.body.find(R"("id":"late","parent":"night")"), std::string::npos) << reply.body;
  reply = Call("GET", "/api/v1/agents/a1/state", kAdminToken);
  EXPECT_EQ(reply.Json().Str("/cap_origin_ou"), "night") << reply.body;

  // Emptied, then removed; still removed after another kill.
  refused("DELETE", "/api/v1/ous/late", "", 409, "OU 'late' has 1 agent(s) (a1)");
  ASSERT_EQ(Call("PUT", "/api/v1/agents/a1", kAdminToken, R"({"ou":"desk","type":"multimedia","skill_queues":["chat"]})")
                .status,
            200);
  reply = Call("DELETE", "/api/v1/ous/late", kAdminToken);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Json().Str("/removed"), "late") << reply.body;
  ASSERT_EQ(Call("DELETE", "/api/v1/ous/night", kAdminToken).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/ous/late", kAdminToken).status, 404);
  EXPECT_EQ(Call("PUT", "/api/v1/ous/night/cap", kAdminToken, R"({"max_concurrent_sessions":3})").status, 404);
  http_.reset();
  runner_.Kill();
  Start();
  reply = Call("GET", "/api/v1/config", kAdminToken);
  EXPECT_EQ(reply.body.find(R"("id":"night")"), std::string::npos) << reply.body;
  EXPECT_EQ(reply.body.find(R"("id":"late")"), std::string::npos) << reply.body;
  EXPECT_NE(reply.body.find(R"("id":"desk")"), std::string::npos) << reply.body;
}

TEST_P(AdministrationKillTest, SkillQueuesProvisionedThroughTheApiServeAtOnceAndOutliveAKill) {
  Start();
  std::unique_ptr<gateway_test::AgentConnection> a1 = gateway_test::ConnectReadyAgent(runner_.port(), "a1", kA1Token);
  gateway_test::HttpReply reply =
      Call("POST", "/api/v1/skill_queues", kAdminToken, R"({"id":"vip","strategy":"longest_idle"})");
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.Json().Str("/skill_queue/strategy"), "longest_idle") << reply.body;
  // a1 joins it; "small" (which nobody serves) overflows into it after a second.
  reply = Call("PUT", "/api/v1/agents/a1", kAdminToken, R"({"ou":"desk","type":"multimedia","skill_queues":["chat","vip"]})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  reply = Call("PUT", "/api/v1/skill_queues/small", kAdminToken, R"({"max_wait_seconds":1,"on_overflow":"queue:vip"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Json().Str("/skill_queue/on_overflow"), "queue:vip") << reply.body;
  ASSERT_EQ(Deliver(*http_, WebEvent(kSmallChannel, "q-1", "message", "visitor-q", "hello")).status, 200);
  EXPECT_EQ(a1->NextOfType("assigned").Str("/customer/id"), "visitor-q") << "by way of vip";
  reply = Call("GET", "/api/v1/queues", kAdminToken);
  EXPECT_NE(reply.body.find(R"("id":"vip")"), std::string::npos) << reply.body;

  auto refused = [&](std::string_view method, std::string_view target, std::string body, int status,
                     std::string_view says) {
    gateway_test::HttpReply r = Call(method, target, kAdminToken, std::move(body));
    EXPECT_EQ(r.status, status) << target << " " << r.body;
    EXPECT_NE(r.body.find(says), std::string::npos) << r.body;
  };
  refused("POST", "/api/v1/skill_queues", R"({"id":"x","strategy":"fastest"})", 400,
          R"(strategy = \"fastest\" is not a known strategy)");
  refused("POST", "/api/v1/skill_queues", R"({"id":"x","max_waiting":0})", 400, "max_waiting");
  refused("POST", "/api/v1/skill_queues", R"({"id":"x","on_overflow":"queue:nowhere"})", 400,
          "names an unknown skill queue");
  refused("POST", "/api/v1/skill_queues", R"({"id":"vip"})", 409, "skill queue 'vip' exists");
  refused("PUT", "/api/v1/skill_queues/vip", R"({"media":"voice"})", 409, "its media does not change");
  refused("DELETE", "/api/v1/skill_queues/chat", "", 409, "takes the sessions of channel(s) web-chat");
  refused("DELETE", "/api/v1/skill_queues/vip", "", 409, "small overflow into 'vip'");
  refused("GET", "/api/v1/skill_queues/nowhere", "", 404, "no skill queue 'nowhere'");
  EXPECT_EQ(Call("POST", "/api/v1/skill_queues", kA1Token, R"({"id":"x"})").status, 403) << "an agent's token";

  // All of it outlives a kill.
  a1.reset();
  http_.reset();
  runner_.Kill();
  Start();
  reply = Call("GET", "/api/v1/skill_queues/vip", kAdminToken);
  EXPECT_EQ(reply.Json().Str("/skill_queue/strategy"), "longest_idle") << reply.body;
  EXPECT_EQ(reply.Json().Int("/skill_queue/agents"), 1) << reply.body;
  reply = Call("GET", "/api/v1/skill_queues", kAdminToken);
  EXPECT_NE(reply.body.find(R"("id":"small","media":"multimedia","strategy":"least_busy","max_wait_seconds":1,)"),
            std::string::npos)
      << reply.body;

  // Nothing routes into it any more, then it is removed; still removed after another kill.
  refused("DELETE", "/api/v1/skill_queues/vip", "", 409, "small overflow into 'vip'");
  ASSERT_EQ(Call("PUT", "/api/v1/skill_queues/small", kAdminToken, R"({"max_waiting":1})").status, 200);
  refused("DELETE", "/api/v1/skill_queues/vip", "", 409, "skill queue 'vip' has 1 agent(s) (a1)");
  ASSERT_EQ(Call("PUT", "/api/v1/agents/a1", kAdminToken, R"({"ou":"desk","type":"multimedia","skill_queues":["chat"]})")
                .status,
            200);
  reply = Call("DELETE", "/api/v1/skill_queues/vip", kAdminToken);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Json().Str("/removed"), "vip") << reply.body;
  EXPECT_EQ(Call("GET", "/api/v1/skill_queues/vip", kAdminToken).status, 404);
  http_.reset();
  runner_.Kill();
  Start();
  reply = Call("GET", "/api/v1/config", kAdminToken);
  EXPECT_EQ(reply.body.find(R"("id":"vip")"), std::string::npos) << reply.body;
  EXPECT_EQ(runner_.Terminate(), 0) << runner_.process().Output();
}

TEST_P(AdministrationKillTest, ChannelsProvisionedThroughTheApiAnswerAtOnceAndOutliveAKill) {
  Start();
  std::unique_ptr<gateway_test::AgentConnection> a1 = gateway_test::ConnectReadyAgent(runner_.port(), "a1", kA1Token);
  const std::string extra = "web-chat-8";  // WebEvent signs it with "web-test-secret-8"
  ASSERT_EQ(Deliver(*http_, WebEvent(extra, "c-0", "message", "visitor-c", "hello")).status, 404);
  gateway_test::HttpReply reply = Call("POST", "/api/v1/channels", kAdminToken,
                                       R"({"id":"web-chat-8","kind":"web","skill_queue":"chat","secret":"web-test-secret-8"})");
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.Json().Str("/channel/skill_queue"), "chat") << reply.body;
  EXPECT_EQ(reply.body.find("web-test-secret-8"), std::string::npos) << "a secret is never answered back";
  ASSERT_EQ(Deliver(*http_, WebEvent(extra, "c-1", "message", "visitor-c", "hello")).status, 200);
  EXPECT_EQ(a1->NextOfType("assigned").Str("/customer/id"), "visitor-c");

  auto refused = [&](std::string_view method, std::string_view target, std::string body, int status,
                     std::string_view says) {
    gateway_test::HttpReply r = Call(method, target, kAdminToken, std::move(body));
    EXPECT_EQ(r.status, status) << target << " " << r.body;
    EXPECT_NE(r.body.find(says), std::string::npos) << r.body;
  };
  refused("POST", "/api/v1/channels", R"({"id":"web-chat-8","kind":"web","skill_queue":"chat","secret":"x"})", 409,
          "channel 'web-chat-8' exists");
  refused("POST", "/api/v1/channels", R"({"id":"f1","kind":"fax","skill_queue":"chat"})", 400,
          R"(kind = \"fax\" is not a registered channel kind)");
  refused("POST", "/api/v1/channels", R"({"id":"f1","kind":"web","skill_queue":"nowhere","secret":"x"})", 400,
          R"(skill_queue = \"nowhere\" is not a skill queue of this tenant)");
  refused("PUT", "/api/v1/channels/web-chat-8",
          R"({"kind":"whatsapp","skill_queue":"chat","app_secret":"a","verify_token":"v"})", 409,
          "a channel's kind does not change");
  refused("GET", "/api/v1/channels/nowhere", "", 404, "no channel 'nowhere'");
  EXPECT_EQ(Call("POST", "/api/v1/channels", kA1Token, R"({"id":"x"})").status, 403) << "an agent's token";

  // Another secret verifies at once; then the first again.
  ASSERT_EQ(Call("PUT", "/api/v1/channels/web-chat-8", kAdminToken,
                 R"({"kind":"web","skill_queue":"chat","secret":"rotated"})")
                .status,
            200);
  EXPECT_EQ(Deliver(*http_, WebEvent(extra, "c-2", "message", "visitor-d", "hello")).status, 401);
  ASSERT_EQ(Call("PUT", "/api/v1/channels/web-chat-8", kAdminToken,
                 R"({"kind":"web","skill_queue":"chat","secret":"web-test-secret-8"})")
                .status,
            200);

  // All of it outlives a kill.
  a1.reset();
  http_.reset();
  runner_.Kill();
  Start();
  EXPECT_EQ(Deliver(*http_, WebEvent(extra, "c-3", "message", "visitor-e", "hello")).status, 200);
  reply = Call("GET", "/api/v1/channels", kAdminToken);
  EXPECT_NE(reply.body.find(R"("id":"web-chat-8","kind":"web","skill_queue":"chat")"), std::string::npos) << reply.body;
  EXPECT_EQ(reply.body.find("web-test-secret-8"), std::string::npos) << reply.body;

  // Removed: its webhook is 404, also after another kill.
  reply = Call("DELETE", "/api/v1/channels/web-chat-8", kAdminToken);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Json().Str("/removed"), "web-chat-8") << reply.body;
  EXPECT_EQ(Deliver(*http_, WebEvent(extra, "c-4", "message", "visitor-f", "hello")).status, 404);
  http_.reset();
  runner_.Kill();
  Start();
  EXPECT_EQ(Deliver(*http_, WebEvent(extra, "c-5", "message", "visitor-g", "hello")).status, 404);
  EXPECT_EQ(runner_.Terminate(), 0) << runner_.process().Output();
}

}  // namespace
}  // namespace routerd::durability
