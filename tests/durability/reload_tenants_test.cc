// Reloads that add a tenant to the file or take one out: an added tenant is
// routed and reachable at once (webhooks, tokens, agents, metrics); a removed
// one keeps routing while a session of it is open, and is retired once none
// is (webhooks 404, tokens 401, its agents' connections closed); its id comes
// back only with a restart. Tenants come and go by SIGHUP while another
// tenant's webhooks flow, and cost it no request.
#include "tests/durability/reload_fixture.h"

namespace routerd::durability {
namespace {

using ::testing::HasSubstr;

constexpr int kAdded = 2;  // the file's second tenant: "acme-2", channel "web-chat-2"

class ReloadTenantsTest : public ReloadTest {
 protected:
  int TokenStatus(std::string_view token) {
    gateway_test::HttpClient http(runner_.port());
    auto reply = http.Send("GET", "/api/v1/agents/a1/state", {}, Bearer(token));
    return reply.ok() ? reply->status : 0;
  }
  int Webhook(std::string_view event_id, std::string_view visitor) {
    gateway_test::HttpClient http(runner_.port());
    return Deliver(http, WebEvent(ExtraWebChannel(kAdded), event_id, "message", visitor, "hello")).status;
  }
  std::string Metrics() {
    gateway_test::HttpClient http(runner_.port());
    auto reply = http.Send("GET", "/metrics", {}, {});
    return reply.ok() ? reply->body : std::string();
  }
  gateway_test::HttpReply ReloadWith(DurabilityConfig config, int tenants) {
    config.tenants = tenants;
    Write(DurabilityToml(config));
    return Reload(kOperatorToken);
  }
};

TEST_F(ReloadTenantsTest, ATenantAddedIsRoutedAtOnceAndOneRemovedIsRetiredOnceItsSessionsEnded) {
  const DurabilityConfig config = StartDaemon(/*with_operator=*/true);
  ASSERT_FALSE(HasFailure());
  const std::string token = ExtraAgentToken(kAdded);
  EXPECT_EQ(Webhook("before-1", "visitor-before"), 404) << "not a channel yet";
  EXPECT_EQ(TokenStatus(token), 401);

  // Added: routed and reachable from the reload's answer on.
  gateway_test::HttpReply added = ReloadWith(config, 2);
  EXPECT_EQ(added.status, 200) << added.body;
  EXPECT_THAT(added.body, HasSubstr("\"needs_restart\":[],\"tenants_added\":1,\"tenants_removed\":0"));
  EXPECT_EQ(TokenStatus(token), 200);
  std::unique_ptr<gateway_test::AgentConnection> a1 = gateway_test::ConnectReadyAgent(runner_.port(), "a1", token);
  ASSERT_EQ(Webhook("added-1", "visitor-added"), 200);
  const gateway_test::JsonDoc assigned = a1->NextOfType("assigned");
  EXPECT_EQ(assigned.Str("/customer/id"), "visitor-added") << assigned.text();
  const std::optional<std::string> session = assigned.Str("/session_id");
  ASSERT_TRUE(session.has_value()) << assigned.text();
  EXPECT_THAT(Metrics(), HasSubstr("routerd_queue_answered_total{tenant=\"acme-2\",queue=\"chat\"} 1"));
  EXPECT_TRUE(WaitOutput("tenant acme-2 added on shard 0: 1 agent(s), 1 skill queue(s), 1 channel(s)"));

  // The same file again: the tenant is one the daemon runs now.
  gateway_test::HttpReply same = ReloadWith(config, 2);
  EXPECT_THAT(same.body, HasSubstr("\"needs_restart\":[],\"tenants_added\":0,\"tenants_removed\":0"));

  // Removed while its session is open: it keeps routing, and the answer says why.
  gateway_test::HttpReply refused = ReloadWith(config, 1);
  EXPECT_EQ(refused.status, 200) << refused.body;
  EXPECT_THAT(refused.body, HasSubstr("tenant 'acme-2' removed: 1 session(s) still open"));
  EXPECT_THAT(refused.body, HasSubstr("\"tenants_removed\":0"));
  EXPECT_EQ(Webhook("added-2", "visitor-added"), 200);
  EXPECT_EQ(a1->NextOfType("message").Str("/session_id"), session) << "the conversation goes on";

  // Once it ended, the same file retires it.
  a1->Ack(R"("type":"close","session_id":")" + *session + "\"");
  gateway_test::HttpReply removed = Reload(kOperatorToken);
  EXPECT_THAT(removed.body, HasSubstr("\"needs_restart\":[],\"tenants_added\":0,\"tenants_removed\":1"));
  EXPECT_TRUE(a1->WaitClosed());
  EXPECT_EQ(a1->ws().close_code(), 4005) << "agent removed";
  EXPECT_EQ(Webhook("removed-1", "visitor-removed"), 404);
  EXPECT_EQ(TokenStatus(token), 401);
  EXPECT_THAT(Metrics(), ::testing::Not(HasSubstr("tenant=\"acme-2\"")));
  EXPECT_EQ(StatusOf(kAdminToken), 200) << "the other tenant is untouched";
  gateway_test::HttpReply after = Reload(kOperatorToken);
  EXPECT_THAT(after.body, HasSubstr("\"needs_restart\":[],\"tenants_added\":0,\"tenants_removed\":0"));

  // Back in the file: its id returns with a restart, not before.
  gateway_test::HttpReply again = ReloadWith(config, 2);
  EXPECT_THAT(again.body, HasSubstr("tenant 'acme-2' added again (a reload removed it; its id comes back at a restart)"));
  EXPECT_EQ(TokenStatus(token), 401);
  ASSERT_EQ(runner_.Terminate(), 0) << runner_.process().Output();
  DurabilityConfig restarted = config;
  restarted.tenants = 2;
  restarted.extra_toml = OperatorTokenToml("ops", kOperatorToken);
  ASSERT_TRUE(runner_.Start(restarted).ok());
  EXPECT_EQ(TokenStatus(token), 200);
  EXPECT_EQ(Webhook("restarted-1", "visitor-restarted"), 200);
  EXPECT_EQ(runner_.Terminate(), 0) << runner_.process().Output();
}

TEST_F(ReloadTenantsTest, TenantsAddedAndRemovedBySighupUnderTrafficCostTheOthersNoRequest) {
  DurabilityConfig config = StartDaemon(/*with_operator=*/false);
  ASSERT_FALSE(HasFailure());

  // acme's traffic throughout: every webhook request must be answered 200.
  WebTraffic traffic(runner_.port(), "tenants-");

  config.tenants = 4;  // acme-2, acme-3 and acme-4 join
  Write(DurabilityToml(config));
  runner_.process().Signal(SIGHUP);
  EXPECT_TRUE(WaitOutput("3 tenant(s) added, 0 removed")) << runner_.process().Output();
  // Their channels answer (an unsigned request is refused, not unknown); no
  // session of theirs opens, so that they may leave again.
  auto unsigned_status = [&](int n) {
    gateway_test::HttpClient http(runner_.port());
    auto reply = http.Send("POST", integration::WebhookPath("web", ExtraWebChannel(n)), "{}",
                           {{"Content-Type", "application/json"}});
    return reply.ok() ? reply->status : 0;
  };
  for (int n = 2; n <= 4; ++n) EXPECT_EQ(unsigned_status(n), 401) << ExtraWebChannel(n);
  config.tenants = 1;
  Write(DurabilityToml(config));
  runner_.process().Signal(SIGHUP);
  EXPECT_TRUE(WaitOutput("0 tenant(s) added, 3 removed")) << runner_.process().Output();
  for (int n = 2; n <= 4; ++n) EXPECT_EQ(unsigned_status(n), 404) << ExtraWebChannel(n);

  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  traffic.Stop();
  EXPECT_GT(traffic.sent(), 0);
  EXPECT_EQ(traffic.failed(), 0) << "of " << traffic.sent() << " webhook requests";
  EXPECT_EQ(runner_.Terminate(), 0) << runner_.process().Output();
}

}  // namespace
}  // namespace routerd::durability
