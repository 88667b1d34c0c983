// multimedia_access_mode = "per_channel_kind" and the caps per channel kind at
// tenant, OU and agent level: read, resolved in the order of levels, shown by
// --check-config, and every mistake named with its line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "engine/config/config_loader.h"
#include "engine/config/config_summary.h"
#include "tests/config/config_test_util.h"

namespace routerd::config {
namespace {

using testing::HasError;

class KindCapsConfigTest : public testing::OneTenantConfigTest {
 protected:
  KindCapsConfigTest() {
    auto seen = std::make_shared<testing::AnyKeysFactory::Seen>();
    EXPECT_TRUE(registry_.Register(std::make_unique<testing::AnyKeysFactory>("email", seen)).ok());
    EXPECT_TRUE(registry_.Register(std::make_unique<testing::AnyKeysFactory>("web", seen)).ok());
  }
};

constexpr std::string_view kTenant = R"(multimedia_access_mode = "per_channel_kind"
max_concurrent_sessions = 4
max_concurrent_sessions_by_channel_kind = { email = 9 }
[[tenants.ous]]
id = "root"
max_concurrent_sessions_by_channel_kind = { web = 2 }
[[tenants.ous]]
id = "desk"
parent = "root"
max_concurrent_sessions = 3
[[tenants.skill_queues]]
id = "q"
[[tenants.agents]]
employee_id = "a1"
type = "multimedia"
ou = "desk"
skill_queues = ["q"]
max_concurrent_sessions_by_channel_kind = { email = 5 }
[[tenants.agents]]
employee_id = "a2"
type = "multimedia"
ou = "root"
skill_queues = ["q"]
[[tenants.channels]]
id = "mail"
kind = "email"
skill_queue = "q"
[[tenants.channels]]
id = "chat"
kind = "web"
skill_queue = "q"
)";

TEST_F(KindCapsConfigTest, UnifiedAccessIsTheDefault) {
  LoadResult r = Load("");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  EXPECT_EQ(r.config->tenants[0].multimedia_access_mode, AccessMode::kUnified);
  EXPECT_TRUE(r.config->tenants[0].kind_caps.empty());
}

TEST_F(KindCapsConfigTest, CapsPerKindAreReadAtEveryLevel) {
  LoadResult r = Load(kTenant);
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  const TenantConfig& t = r.config->tenants[0];
  EXPECT_EQ(t.multimedia_access_mode, AccessMode::kPerChannelKind);
  EXPECT_EQ(CapOfKind(t.kind_caps, "email"), 9);
  EXPECT_EQ(CapOfKind(t.kind_caps, "web"), std::nullopt);
  EXPECT_EQ(CapOfKind(t.ous[0].kind_caps, "web"), 2);
  EXPECT_EQ(CapOfKind(t.agents[0].kind_caps, "email"), 5);
}

TEST_F(KindCapsConfigTest, EachKindResolvesAgentThenOuThenTenant) {
  LoadResult r = Load(kTenant);
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  const TenantConfig& t = r.config->tenants[0];
  const AgentConfig& a1 = t.agents[0];
  const AgentConfig& a2 = t.agents[1];
  // a1: its own email cap; for web its OU's cap for every kind (3) comes
  // before the parent's web cap.
  EffectiveCap c = ResolveEffectiveCap(t, a1, "email");
  EXPECT_EQ(c.cap, 5);
  EXPECT_EQ(c.origin, EffectiveCap::Origin::kAgent);
  c = ResolveEffectiveCap(t, a1, "web");
  EXPECT_EQ(c.cap, 3);
  EXPECT_EQ(c.origin, EffectiveCap::Origin::kOu);
  EXPECT_EQ(c.ou_id, "desk");
  // a2: root caps web only; email falls to the tenant's email cap.
  c = ResolveEffectiveCap(t, a2, "web");
  EXPECT_EQ(c.cap, 2);
  EXPECT_EQ(c.ou_id, "root");
  c = ResolveEffectiveCap(t, a2, "email");
  EXPECT_EQ(c.cap, 9);
  EXPECT_EQ(c.origin, EffectiveCap::Origin::kTenant);
  // Without a kind: the caps for every kind, as in unified access.
  c = ResolveEffectiveCap(t, a2);
  EXPECT_EQ(c.cap, 4);
  EXPECT_EQ(c.origin, EffectiveCap::Origin::kTenant);
}

TEST_F(KindCapsConfigTest, CheckConfigShowsTheCapsOfEachKind) {
  LoadResult r = Load(kTenant);
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  const std::string summary = FormatConfigSummary(*r.config);
  EXPECT_THAT(summary, ::testing::HasSubstr("per_channel_kind channel access, cap 4 (email 9)"));
  EXPECT_THAT(summary, ::testing::HasSubstr("root (caps web 2, 1 agent)"));
  EXPECT_THAT(summary, ::testing::HasSubstr("effective caps for email sessions:\n    5 from agent setting: a1\n"
                                            "    9 from tenant: a2\n"));
  EXPECT_THAT(summary, ::testing::HasSubstr("effective caps for web sessions:\n    2 from OU root: a2\n"
                                            "    3 from OU desk: a1\n"));
}

TEST_F(KindCapsConfigTest, MistakesNameTheirLineAndKey) {
  // Caps per kind without the mode that uses them.
  LoadResult r = Load(
      "max_concurrent_sessions_by_channel_kind = { email = 2 }\n"
      "[[tenants.skill_queues]]\nid = \"q\"\n");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, HasError(Line("max_concurrent_sessions_by_channel_kind"), "tenants[0] 't'",
                                 "needs multimedia_access_mode = \"per_channel_kind\""));

  r = Load(
      "multimedia_access_mode = \"per_channel_kind\"\n"
      "max_concurrent_sessions_by_channel_kind = { emai = 2, web = 61, fake = \"x\" }\n");
  EXPECT_FALSE(r.config.has_value());
  const int line = Line("max_concurrent_sessions_by_channel_kind");
  EXPECT_THAT(r.errors, HasError(line, "tenants[0] 't'",
                                 "\"emai\" is not a channel kind (did you mean 'email'?) (known kinds: email, fake, web)"));
  EXPECT_THAT(r.errors, HasError(line, "tenants[0] 't'", "web = 61 is out of range (1..60)"));
  EXPECT_THAT(r.errors, HasError(line, "tenants[0] 't'", "fake must be an integer cap 1..60 (got string)"));

  r = Load("multimedia_access_mode = \"separate\"\n");
  EXPECT_THAT(r.errors, HasError(Line("multimedia_access_mode"), "tenants[0] 't'", "per_channel_kind"));
}

}  // namespace
}  // namespace routerd::config
