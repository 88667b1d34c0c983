// GET /api/v1/config: a tenant's configuration as in effect, for its
// administrator only, with run-time cap changes in it and no secret.
#include <gtest/gtest.h>

#include "tests/gateway/gateway_fixture.h"

namespace routerd::gateway_test {
namespace {

class TenantConfigTest : public GatewayTest {
 protected:
  JsonDoc Config() {
    const HttpReply reply = Api("GET", "/api/v1/config", kAcmeAdmin);
    EXPECT_EQ(reply.status, 200) << reply.body;
    // Never a secret of a channel, never another tenant.
    EXPECT_EQ(reply.body.find("test-secret"), std::string::npos) << reply.body;
    EXPECT_EQ(reply.body.find("globex"), std::string::npos) << reply.body;
    return reply.Json();
  }
};

TEST_F(TenantConfigTest, ShowsTheTenantsConfigurationInEffect) {
  StartDaemon();
  const JsonDoc c = Config();
  SCOPED_TRACE(c.text());
  EXPECT_EQ(c.Str("/tenant/id"), "acme");
  EXPECT_EQ(c.Str("/tenant/multimedia_access_mode"), "unified");
  EXPECT_EQ(c.Int("/tenant/max_concurrent_sessions"), 5);
  EXPECT_EQ(c.Int("/tenant/configured_max_concurrent_sessions"), 5);
  EXPECT_EQ(c.Int("/tenant/session_idle_timeout_seconds"), 3600);
  EXPECT_EQ(c.Bool("/tenant/personal_settings/agent_sets_cap"), true);

  ASSERT_EQ(c.Size("/ous"), 2u);
  EXPECT_EQ(c.Str("/ous/1/id"), "tier1");
  EXPECT_EQ(c.Str("/ous/1/parent"), "support");
  EXPECT_TRUE(c.Has("/ous/0/max_concurrent_sessions"));
  EXPECT_FALSE(c.Int("/ous/0/max_concurrent_sessions").has_value());  // null: none
  EXPECT_EQ(c.Int("/ous/1/agents"), 2);

  ASSERT_EQ(c.Size("/skill_queues"), 3u);
  EXPECT_EQ(c.Str("/skill_queues/1/id"), "billing");
  EXPECT_EQ(c.Str("/skill_queues/1/strategy"), "longest_idle");
  EXPECT_EQ(c.Int("/skill_queues/1/required_skills/german"), 2);
  EXPECT_EQ(c.Str("/skill_queues/1/on_overflow"), "leave_message");
  EXPECT_EQ(c.Str("/skill_queues/2/media"), "voice");

  EXPECT_EQ(c.Size("/agents"), 4u);
  EXPECT_EQ(c.Str("/agents/0/employee_id"), "a1");
  EXPECT_EQ(c.Str("/agents/0/name"), "Ana Lima");
  EXPECT_EQ(c.Str("/agents/0/ou"), "tier1");
  EXPECT_EQ(c.Str("/agents/0/skill_queues/0"), "chat");
  EXPECT_EQ(c.Int("/agents/0/effective_cap"), 5);
  EXPECT_EQ(c.Str("/agents/0/cap_origin"), "tenant");
  EXPECT_EQ(c.Int("/agents/2/skills/german"), 6);

  ASSERT_EQ(c.Size("/channels"), 2u);
  EXPECT_EQ(c.Str("/channels/0/id"), "acme-web");
  EXPECT_EQ(c.Str("/channels/0/kind"), "web");
  EXPECT_EQ(c.Str("/channels/0/skill_queue"), "chat");
  EXPECT_FALSE(c.Has("/channels/0/secret"));
}

TEST_F(TenantConfigTest, CapsChangedAtRunTimeShowWhereTheyWereSet) {
  StartDaemon();
  ASSERT_EQ(Api("PUT", "/api/v1/tenant/cap", kAcmeAdmin, R"({"max_concurrent_sessions":3})").status, 200);
  ASSERT_EQ(Api("PUT", "/api/v1/ous/support/cap", kAcmeAdmin, R"({"max_concurrent_sessions":2})").status, 200);
  ASSERT_EQ(Api("PUT", "/api/v1/agents/a2/cap", kA2Token, R"({"max_concurrent_sessions":4})").status, 200);
  const JsonDoc c = Config();
  SCOPED_TRACE(c.text());
  EXPECT_EQ(c.Int("/tenant/max_concurrent_sessions"), 3);
  EXPECT_EQ(c.Int("/tenant/configured_max_concurrent_sessions"), 5);
  EXPECT_EQ(c.Int("/ous/0/max_concurrent_sessions"), 2);
  EXPECT_EQ(c.Int("/agents/0/effective_cap"), 2);
  EXPECT_EQ(c.Str("/agents/0/cap_origin"), "ou");
  EXPECT_EQ(c.Str("/agents/0/cap_origin_ou"), "support");
  EXPECT_EQ(c.Int("/agents/1/max_concurrent_sessions"), 4);
  EXPECT_EQ(c.Str("/agents/1/cap_set_by"), "agent");
  EXPECT_EQ(c.Str("/agents/1/cap_origin"), "personal");
}

TEST_F(TenantConfigTest, OnlyItsAdministratorReadsItWithGet) {
  StartDaemon();
  HttpReply reply = Api("GET", "/api/v1/config", kA1Token);
  EXPECT_EQ(reply.status, 403) << reply.body;
  reply = Api("POST", "/api/v1/config", kAcmeAdmin, "{}");
  EXPECT_EQ(reply.status, 405) << reply.body;
  reply = Api("GET", "/api/v1/config/agents", kAcmeAdmin);
  EXPECT_EQ(reply.status, 404) << reply.body;
  reply = Api("GET", "/api/v1/config", "");
  EXPECT_EQ(reply.status, 401) << reply.body;
}

}  // namespace
}  // namespace routerd::gateway_test
