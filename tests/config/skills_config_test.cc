// Skills keys: an agent's skills, a queue's and a channel's required_skills;
// mistakes named with their line and key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/config/config_loader.h"
#include "tests/config/config_test_util.h"

namespace routerd::config {
namespace {

using testing::HasError;

using SkillsConfigTest = testing::OneTenantConfigTest;

constexpr std::string_view kOu = "[[tenants.ous]]\nid = \"ou\"\n";
constexpr std::string_view kChannel =
    "[[tenants.channels]]\nid = \"web\"\nkind = \"fake\"\nskill_queue = \"q\"\ntoken = \"0123456789abcdef\"\n";

TEST_F(SkillsConfigTest, AgentSkillsAndRequirementsAreReadSorted) {
  LoadResult r = Load(std::string(kOu) +
                      "[[tenants.skill_queues]]\nid = \"q\"\nstrategy = \"most_skilled\"\n"
                      "required_skills = { es = 2 }\n"
                      "[[tenants.agents]]\nemployee_id = \"a1\"\nou = \"ou\"\ntype = \"multimedia\"\n"
                      "skill_queues = [\"q\"]\nskills = { es = 7, billing = 3 }\n" +
                      std::string(kChannel) + "required_skills = { billing = 1 }\n");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  const TenantConfig& t = r.config->tenants[0];
  EXPECT_EQ(t.agents[0].skills, (SkillLevels{{"billing", 3, 0}, {"es", 7, 0}}));
  EXPECT_EQ(t.skill_queues[0].required_skills, (SkillLevels{{"es", 2, 0}}));
  EXPECT_EQ(t.channels[0].required_skills, (SkillLevels{{"billing", 1, 0}}));
  // Not handed to the channel's adapter as an option.
  EXPECT_EQ(t.skill_queues[0].strategy, "most_skilled");
}

TEST_F(SkillsConfigTest, MistakesNameTheirLineAndKey) {
  LoadResult r = Load(std::string(kOu) +
                      "[[tenants.skill_queues]]\nid = \"q\"\nrequired_skills = { es = 11 }\n"
                      "[[tenants.agents]]\nemployee_id = \"a1\"\nou = \"ou\"\ntype = \"multimedia\"\n"
                      "skills = { es = 0, \"bad name\" = 3, fr = \"high\" }\n" +
                      std::string(kChannel) + "required_skills = 5\n");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, HasError(Line("es = 11"), "tenants[0].skill_queues[0] 'q'",
                                 "required_skills.es = 11 is out of range (1..10)"));
  EXPECT_THAT(r.errors, HasError(Line("es = 0"), "tenants[0].agents[0] 'a1'", "skills.es = 0 is out of range (1..10)"));
  EXPECT_THAT(r.errors, HasError(Line("es = 0"), "tenants[0].agents[0] 'a1'",
                                 "skills: \"bad name\" is not a valid skill name"));
  EXPECT_THAT(r.errors, HasError(Line("es = 0"), "tenants[0].agents[0] 'a1'",
                                 "skills.fr must be an integer level 1..10 (got string)"));
  EXPECT_THAT(r.errors, HasError(Line("required_skills = 5"), "tenants[0].channels[0] 'web'", "required_skills"));
}

TEST_F(SkillsConfigTest, ARequiredSkillNoAgentHasIsATypo) {
  LoadResult r = Load(std::string(kOu) +
                      "[[tenants.skill_queues]]\nid = \"q\"\nrequired_skills = { spansh = 2 }\n"
                      "[[tenants.agents]]\nemployee_id = \"a1\"\nou = \"ou\"\ntype = \"multimedia\"\n"
                      "skills = { spanish = 7 }\n" +
                      std::string(kChannel) + "required_skills = { vip = 1 }\n");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, HasError(Line("spansh = 2"), "tenants[0].skill_queues 'q'",
                                 "required_skills: no agent of this tenant has the skill \"spansh\" (did you mean "
                                 "'spanish'?)"));
  EXPECT_THAT(r.errors, HasError(Line("vip = 1"), "tenants[0].channels 'web'",
                                 "required_skills: no agent of this tenant has the skill \"vip\""));
}

TEST_F(SkillsConfigTest, TooManySkills) {
  std::string skills = "skills = { ";
  for (int i = 0; i <= kMaxAgentSkills; ++i) skills += (i ? ", s" : "s") + std::to_string(i) + " = 1";
  LoadResult r = Load(std::string(kOu) + "[[tenants.agents]]\nemployee_id = \"a1\"\nou = \"ou\"\n" +
                      "type = \"multimedia\"\n" + skills + " }\n");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, HasError(Line("skills = {"), "tenants[0].agents[0] 'a1'",
                                 "skills lists 65 skills; at most 64 are allowed"));
}

}  // namespace
}  // namespace routerd::config
