// Stored run-time caps over the file's configuration: each wins for its
// subject, a cleared one clears the file's, the tenant's keeps the file's
// value to return to, and a setting whose subject is gone is reported. Stored
// agents, OUs and skill queues: a definition replaces or adds, a removal
// removes the agent (and its file tokens), the empty OU or the unused queue,
// queues and OUs apply before the agents and their removals after, and one
// that no longer fits the file is skipped saying why.
#include "engine/daemon/stored_settings.h"

#include <gtest/gtest.h>

namespace routerd::daemon {
namespace {

config::Config TwoAgents() {
  config::Config c;
  config::TenantConfig t;
  t.id = "acme";
  t.max_concurrent_sessions = 5;
  t.ous.push_back({"desk", "", 4, 1});
  config::AgentConfig a1;
  a1.employee_id = "a1";
  a1.ou = "desk";
  a1.max_concurrent_sessions = 2;
  config::AgentConfig a2 = a1;
  a2.employee_id = "a2";
  t.agents = {a1, a2};
  c.tenants.push_back(t);
  return c;
}

storage::CapSetting Setting(std::string tenant, storage::CapScope scope, std::string subject, std::optional<int> cap,
                            bool personal = false) {
  return {std::move(tenant), scope, std::move(subject), cap, 1, "tenant_admin:0", personal};
}

TEST(StoredSettingsTest, StoredCapsWinOverTheFileAndMissingSubjectsAreReported) {
  config::Config c = TwoAgents();
  const AppliedSettings applied = ApplyStoredCaps(
      c, {Setting("acme", storage::CapScope::kAgent, "a1", 7, true), Setting("acme", storage::CapScope::kAgent, "a2", {}),
          Setting("acme", storage::CapScope::kOu, "desk", 3), Setting("acme", storage::CapScope::kTenant, "", 9),
          Setting("acme", storage::CapScope::kAgent, "gone", 4), Setting("globex", storage::CapScope::kTenant, "", 2)});
  EXPECT_EQ(applied.caps, 4);
  ASSERT_EQ(applied.skipped.size(), 2u);
  EXPECT_EQ(applied.skipped[0], "the agent cap of acme/gone set by tenant_admin:0: the configuration no longer has it");
  EXPECT_EQ(applied.skipped[1], "the tenant cap of globex set by tenant_admin:0: the configuration no longer has it");
  const config::TenantConfig& t = c.tenants[0];
  EXPECT_EQ(t.agents[0].max_concurrent_sessions, 7);
  EXPECT_TRUE(t.agents[0].personal_cap);
  EXPECT_EQ(config::ResolveEffectiveCap(t, t.agents[0]).origin, config::EffectiveCap::Origin::kPersonal);
  EXPECT_EQ(t.agents[1].max_concurrent_sessions, std::nullopt) << "cleared at run time: no cap of its own";
  EXPECT_EQ(t.ous[0].max_concurrent_sessions, 3);
  EXPECT_EQ(t.max_concurrent_sessions, 5) << "the file's value stays, to return to";
  EXPECT_EQ(t.TenantCap(), 9);
  const config::EffectiveCap a2 = config::ResolveEffectiveCap(t, t.agents[1]);
  EXPECT_EQ(a2.cap, 3);
  EXPECT_EQ(a2.origin, config::EffectiveCap::Origin::kOu);
}

TEST(StoredSettingsTest, StoredAgentsWinOverTheFileAndThoseThatNoLongerFitAreReported) {
  config::Config c = TwoAgents();
  config::SkillQueueConfig chat;
  chat.id = "chat";
  c.tenants[0].skill_queues.push_back(chat);
  config::TokenConfig a1_token;
  a1_token.role = config::TokenConfig::Role::kAgent;
  a1_token.employee_id = "a1";
  c.tenants[0].tokens.push_back(a1_token);
  auto stored = [](std::string employee, std::optional<std::string> definition) {
    return storage::StoredDefinition{storage::DefinitionKind::kAgent, "acme", std::move(employee),
                                      std::move(definition), 1, "tenant_admin:0"};
  };
  const AppliedDefinitions applied = ApplyStoredDefinitions(
      c, {stored("a2", "employee_id = \"a2\"\nou = \"desk\"\ntype = \"multimedia\"\nskill_queues = [\"chat\"]\n"),
          stored("a9", "employee_id = \"a9\"\nou = \"desk\"\ntype = \"voice\"\nname = \"Nia\"\n"),
          stored("a1", std::nullopt),
          stored("a8", "employee_id = \"a8\"\nou = \"attic\"\ntype = \"multimedia\"\n"),
          stored("a7", "employee_id = \"a7\"\nou = \"desk\"\ntype = \"multimedia\"\nbusiness_account = \"a2\"\n"),
          storage::StoredDefinition{storage::DefinitionKind::kOu, "acme", "a2", std::nullopt, 1, "tenant_admin:0"}},
      DefinitionRules{});
  EXPECT_EQ(applied.agents, 3) << "an OU's definition is not an agent's, even of the same id";
  EXPECT_EQ(applied.ous, 1) << "the removal of an OU the file does not have";
  ASSERT_EQ(applied.skipped.size(), 2u);
  EXPECT_NE(applied.skipped[0].find("agent acme/a8 as tenant_admin:0 defined it: agent 'a8': ou = \"attic\""),
            std::string::npos)
      << applied.skipped[0];
  EXPECT_EQ(applied.skipped[1], "agent acme/a7 as tenant_admin:0 defined it: business_account is agent 'a2''s");
  const config::TenantConfig& t = c.tenants[0];
  ASSERT_EQ(t.agents.size(), 2u);
  EXPECT_EQ(t.agents[0].employee_id, "a2");
  EXPECT_EQ(t.agents[0].skill_queues, std::vector<std::string>{"chat"});
  EXPECT_EQ(t.agents[0].max_concurrent_sessions, std::nullopt) << "replaced whole";
  EXPECT_EQ(t.agents[1].employee_id, "a9");
  EXPECT_EQ(t.agents[1].type, config::AgentType::kVoice);
  EXPECT_TRUE(t.tokens.empty()) << "a1's token acts for nobody now";
}

TEST(StoredSettingsTest, StoredOusApplyAroundTheAgentsAndThoseThatNoLongerFitAreReported) {
  config::Config c = TwoAgents();
  auto ou = [](std::string id, std::optional<std::string> definition, std::int64_t at) {
    return storage::StoredDefinition{storage::DefinitionKind::kOu, "acme", std::move(id), std::move(definition), at,
                                      "tenant_admin:0"};
  };
  auto agent = [](std::string id, std::string definition, std::int64_t at) {
    return storage::StoredDefinition{storage::DefinitionKind::kAgent, "acme", std::move(id), std::move(definition),
                                      at, "tenant_admin:0"};
  };
  // Oldest first: a1 moved to night after night was made; desk emptied of
  // a1 but not of a2, so its removal does not fit; an OU under a gone parent.
  const AppliedDefinitions applied = ApplyStoredDefinitions(
      c,
      {agent("a1", "employee_id = \"a1\"\nou = \"night\"\ntype = \"multimedia\"\n", 1),
       ou("night", "id = \"night\"\nparent = \"desk\"\nmax_concurrent_sessions = 2\n", 2),
       ou("attic", "id = \"attic\"\nparent = \"roof\"\n", 3), ou("desk", std::nullopt, 4),
       ou("loft", "id = \"loft\"\nmax_concurrent_sessions_by_channel_kind = { fax = 1 }\n", 5)},
      DefinitionRules{{"email", "web"}, {}});
  EXPECT_EQ(applied.ous, 1);
  EXPECT_EQ(applied.agents, 1);
  ASSERT_EQ(applied.skipped.size(), 3u);
  EXPECT_NE(applied.skipped[0].find("OU acme/attic as tenant_admin:0 defined it: ou 'attic': parent = \"roof\""),
            std::string::npos)
      << applied.skipped[0];
  EXPECT_NE(applied.skipped[1].find("OU acme/loft as tenant_admin:0 defined it:"), std::string::npos)
      << applied.skipped[1];
  EXPECT_EQ(applied.skipped[2], "OU acme/desk as tenant_admin:0 removed it: agent 'a2' is in it");
  const config::TenantConfig& t = c.tenants[0];
  ASSERT_EQ(t.ous.size(), 2u);
  EXPECT_EQ(t.ous[1].id, "night");
  EXPECT_EQ(t.agents[0].ou, "night");
  const config::EffectiveCap a1 = config::ResolveEffectiveCap(t, t.agents[0]);
  EXPECT_EQ(a1.cap, 2) << "a1 has no cap of its own now: night's";
  EXPECT_EQ(a1.ou_id, "night");
}

TEST(StoredSettingsTest, StoredQueuesApplyBeforeTheAgentsAndTheirRemovalsAfter) {
  config::Config c = TwoAgents();
  config::SkillQueueConfig chat;
  chat.id = "chat";
  c.tenants[0].skill_queues.push_back(chat);
  c.tenants[0].agents[0].skill_queues = {"chat"};
  auto queue = [](std::string id, std::optional<std::string> definition) {
    return storage::StoredDefinition{storage::DefinitionKind::kSkillQueue, "acme", std::move(id),
                                      std::move(definition), 1, "tenant_admin:0"};
  };
  auto agent = [](std::string id, std::string definition) {
    return storage::StoredDefinition{storage::DefinitionKind::kAgent, "acme", std::move(id), std::move(definition), 1,
                                      "tenant_admin:0"};
  };
  // Oldest first: vip overflows into sales, stored after it; a2 serves vip;
  // chat's removal comes while a1 (of the file) still serves it; an unknown
  // strategy; a1 leaves chat, then chat is removed again.
  const AppliedDefinitions applied = ApplyStoredDefinitions(
      c,
      {queue("vip", "id = \"vip\"\non_overflow = \"queue:sales\"\n"),
       queue("sales", "id = \"sales\"\nstrategy = \"round_robin\"\n"),
       agent("a2", "employee_id = \"a2\"\nou = \"desk\"\ntype = \"multimedia\"\nskill_queues = [\"vip\"]\n"),
       queue("odd", "id = \"odd\"\nstrategy = \"fastest\"\n"), queue("gone", std::nullopt)},
      DefinitionRules{{}, {"least_busy", "round_robin"}});
  EXPECT_EQ(applied.queues, 3) << "vip, sales, and the removal of a queue the file does not have";
  EXPECT_EQ(applied.agents, 1);
  ASSERT_EQ(applied.skipped.size(), 1u);
  EXPECT_NE(applied.skipped[0].find("skill queue acme/odd as tenant_admin:0 defined it: "), std::string::npos)
      << applied.skipped[0];
  const config::TenantConfig& t = c.tenants[0];
  ASSERT_EQ(t.skill_queues.size(), 3u);
  EXPECT_EQ(t.skill_queues[1].id, "sales");
  EXPECT_EQ(t.skill_queues[2].on_overflow.queue_id, "sales");
  EXPECT_EQ(t.agents[1].skill_queues, std::vector<std::string>{"vip"});

  config::Config d = c;
  const AppliedDefinitions removal =
      ApplyStoredDefinitions(d, {queue("chat", std::nullopt)}, DefinitionRules{{}, {"least_busy"}});
  ASSERT_EQ(removal.skipped.size(), 1u);
  EXPECT_EQ(removal.skipped[0], "skill queue acme/chat as tenant_admin:0 removed it: agent 'a1' serves it");
  d.tenants[0].agents[0].skill_queues.clear();
  const AppliedDefinitions later =
      ApplyStoredDefinitions(d, {queue("chat", std::nullopt)}, DefinitionRules{{}, {"least_busy"}});
  EXPECT_EQ(later.queues, 1);
  EXPECT_EQ(d.tenants[0].skill_queues.size(), 2u);
}

}  // namespace
}  // namespace routerd::daemon
