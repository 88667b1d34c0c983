// Reloads that change a tenant's skill queues, OUs and agents while they
// work: each applies at once, agents stay connected, and the operator route
// counts what changed; a queue's new media waits for a restart; a channel
// moves to another queue at once.
#include "tests/durability/reload_fixture.h"

namespace routerd::durability {
namespace {

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
              ::testing::HasSubstr("\"tenants_applied\":1,\"ous_changed\":0,\"queues_changed\":0,\"channels_changed\":0,\"agents_changed\":1,\"needs_restart\":[]"));

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
  EXPECT_THAT(reloaded.body, ::testing::HasSubstr("\"ous_changed\":1,\"queues_changed\":1,\"channels_changed\":0,\"agents_changed\":1,\"needs_restart\":[]"));
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
  EXPECT_THAT(reloaded.body, ::testing::HasSubstr("\"ous_changed\":1,\"queues_changed\":0,\"channels_changed\":0,\"agents_changed\":0,"));
  EXPECT_EQ(a1_state().Int("/effective_cap"), 3);

  // a1 back in desk and night gone, in one file.
  Write(base);
  reloaded = Reload(kOperatorToken);
  EXPECT_THAT(reloaded.body, ::testing::HasSubstr("\"ous_changed\":1,\"queues_changed\":1,\"channels_changed\":0,\"agents_changed\":1,\"needs_restart\":[]"));
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

TEST_F(ReloadTest, SkillQueuesTheFileAddsChangesOrRemovesApplyAtOnce) {
  const DurabilityConfig config = StartDaemon(/*with_operator=*/true);
  ASSERT_FALSE(HasFailure());
  auto a1 = gateway_test::ConnectReadyAgent(runner_.port(), "a1", kA1Token);
  gateway_test::HttpClient http(runner_.port());

  // A new queue "vip" that a1 serves, and "small" (which nobody serves)
  // overflowing into it after a second.
  const std::string base = DurabilityToml(config);
  std::string text = base;
  Replace(text, "[[tenants.agents]]\nemployee_id = \"a1\"",
          "[[tenants.skill_queues]]\nid = \"vip\"\nstrategy = \"longest_idle\"\n\n"
          "[[tenants.agents]]\nemployee_id = \"a1\"");
  Replace(text, "employee_id = \"a1\"\nou = \"desk\"\ntype = \"multimedia\"\nskill_queues = [\"chat\"]",
          "employee_id = \"a1\"\nou = \"desk\"\ntype = \"multimedia\"\nskill_queues = [\"chat\", \"vip\"]");
  Replace(text, "id = \"small\"\nmax_wait_seconds = 86400", "id = \"small\"\nmax_wait_seconds = 1\non_overflow = \"queue:vip\"");
  Write(text);
  gateway_test::HttpReply added = Reload(kOperatorToken);
  EXPECT_EQ(added.status, 200) << added.body;
  EXPECT_THAT(added.body, ::testing::HasSubstr("\"queues_changed\":2,\"channels_changed\":0,\"agents_changed\":1,\"needs_restart\":[]"));
  ASSERT_EQ(Deliver(http, WebEvent(kSmallChannel, "vip-1", "message", "visitor-vip", "hello")).status, 200);
  EXPECT_EQ(a1->NextOfType("assigned").Str("/customer/id"), "visitor-vip") << "by way of vip";
  auto vip = http.Send("GET", "/api/v1/skill_queues/vip", {}, Bearer(kAdminToken));
  ASSERT_TRUE(vip.ok());
  EXPECT_EQ(vip->Json().Str("/skill_queue/strategy"), "longest_idle") << vip->body;

  // web-small straight into vip now: its next customer is a1's at once.
  std::string direct = text;
  Replace(direct, "skill_queue = \"small\"", "skill_queue = \"vip\"");
  Write(direct);
  gateway_test::HttpReply moved = Reload(kOperatorToken);
  EXPECT_THAT(moved.body, ::testing::HasSubstr("\"queues_changed\":0,\"channels_changed\":1,\"agents_changed\":0,"));
  ASSERT_EQ(Deliver(http, WebEvent(kSmallChannel, "vip-2", "message", "visitor-direct", "hello")).status, 200);
  EXPECT_EQ(a1->NextOfType("assigned").Str("/customer/id"), "visitor-direct");

  // A queue's media waits for a restart, and the tenant's other changes with it.
  std::string voice = text;
  Replace(voice, "id = \"vip\"\nstrategy = \"longest_idle\"", "id = \"vip\"\nstrategy = \"round_robin\"");
  Replace(voice, "id = \"senior\"\n", "id = \"senior\"\nmedia = \"voice\"\n");
  Replace(voice, "employee_id = \"a3\"\nou = \"desk\"\ntype = \"multimedia\"", "employee_id = \"a3\"\nou = \"desk\"\ntype = \"voice\"");
  Write(voice);
  gateway_test::HttpReply waits = Reload(kOperatorToken);
  EXPECT_THAT(waits.body, ::testing::HasSubstr("\"queues_changed\":0,\"channels_changed\":0,\"agents_changed\":0,"));
  EXPECT_THAT(waits.body, ::testing::HasSubstr("tenant 'acme': skill queue 'senior' media"));

  // The first file again, then vip gone.
  Write(text);
  EXPECT_THAT(Reload(kOperatorToken).body, ::testing::HasSubstr("\"queues_changed\":0,"));
  Write(base);
  gateway_test::HttpReply removed = Reload(kOperatorToken);
  EXPECT_THAT(removed.body, ::testing::HasSubstr("\"queues_changed\":2,\"channels_changed\":0,\"agents_changed\":1,\"needs_restart\":[]"));
  vip = http.Send("GET", "/api/v1/skill_queues/vip", {}, Bearer(kAdminToken));
  ASSERT_TRUE(vip.ok());
  EXPECT_EQ(vip->status, 404) << vip->body;
  auto queues = http.Send("GET", "/api/v1/queues", {}, Bearer(kAdminToken));
  ASSERT_TRUE(queues.ok());
  EXPECT_THAT(queues->body, ::testing::Not(::testing::HasSubstr("\"id\":\"vip\"")));
  EXPECT_EQ(runner_.Terminate(), 0) << runner_.process().Output();
}

TEST_F(ReloadTest, AChannelTheFileAddsAnswersAtOnceAndOneItRemovesIsNotFound) {
  const DurabilityConfig config = StartDaemon(/*with_operator=*/true);
  ASSERT_FALSE(HasFailure());
  auto a1 = gateway_test::ConnectReadyAgent(runner_.port(), "a1", kA1Token);
  gateway_test::HttpClient http(runner_.port());
  const std::string extra = "web-chat-7";
  ASSERT_EQ(Deliver(http, WebEvent(extra, "x-0", "message", "visitor-early", "hello")).status, 404);

  const std::string base = DurabilityToml(config);
  std::string text = base;
  Replace(text, "[[tenants.channels]]\nid = \"web-chat\"",
          "[[tenants.channels]]\nid = \"" + extra +
              "\"\nkind = \"web\"\nskill_queue = \"chat\"\nsecret = \"web-test-secret-7\"\n\n"
              "[[tenants.channels]]\nid = \"web-chat\"");
  Write(text);
  gateway_test::HttpReply added = Reload(kOperatorToken);
  EXPECT_EQ(added.status, 200) << added.body;
  EXPECT_THAT(added.body, ::testing::HasSubstr("\"channels_changed\":1,\"agents_changed\":0,\"needs_restart\":[]"));
  ASSERT_EQ(Deliver(http, WebEvent(extra, "x-1", "message", "visitor-new", "hello")).status, 200);
  EXPECT_EQ(a1->NextOfType("assigned").Str("/customer/id"), "visitor-new");
  auto in_effect = http.Send("GET", "/api/v1/config", {}, Bearer(kAdminToken));
  ASSERT_TRUE(in_effect.ok());
  EXPECT_THAT(in_effect->body, ::testing::HasSubstr("\"id\":\"" + extra + "\",\"kind\":\"web\""));
  EXPECT_THAT(in_effect->body, ::testing::Not(::testing::HasSubstr("web-test-secret-7")));

  // Removed: its webhook is 404 again; the session it brought stays a1's.
  Write(base);
  gateway_test::HttpReply removed = Reload(kOperatorToken);
  EXPECT_THAT(removed.body, ::testing::HasSubstr("\"channels_changed\":1,\"agents_changed\":0,\"needs_restart\":[]"));
  EXPECT_EQ(Deliver(http, WebEvent(extra, "x-2", "message", "visitor-new", "again")).status, 404);
  EXPECT_THAT(StateOf("a1"), ::testing::HasSubstr("\"active_sessions\":1"));
  EXPECT_EQ(runner_.Terminate(), 0) << runner_.process().Output();
}

}  // namespace
}  // namespace routerd::durability
