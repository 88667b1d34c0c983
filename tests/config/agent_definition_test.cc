// An agent defined through the API (ReadAgentDefinition): the file's rules,
// errors that name the key without a file and line, text that is not TOML;
// TomlString's escaping round-trips through a TOML parser.
#include "engine/config/agent_definition.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <toml++/toml.h>

namespace routerd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TenantConfig Tenant() {
  TenantConfig t;
  t.id = "acme";
  OuConfig desk;
  desk.id = "desk";
  t.ous.push_back(desk);
  SkillQueueConfig chat;
  chat.id = "chat";
  SkillQueueConfig phone;
  phone.id = "phone";
  phone.media = QueueMedia::kVoice;
  t.skill_queues = {chat, phone};
  return t;
}

TEST(AgentDefinitionTest, AValidDefinitionIsTheAgentItDefines) {
  std::vector<std::string> errors;
  const std::optional<AgentConfig> a = ReadAgentDefinition(
      "employee_id = \"a9\"\nou = \"desk\"\ntype = \"multimedia\"\nskill_queues = [\"chat\"]\n"
      "skills = { fr = 2 }\nmax_concurrent_sessions = 3\nname = \"Nia\"\n",
      Tenant(), errors);
  ASSERT_TRUE(a.has_value()) << (errors.empty() ? "" : errors.front());
  EXPECT_EQ(a->employee_id, "a9");
  EXPECT_EQ(a->business_account, "a9");
  EXPECT_THAT(a->skill_queues, ElementsAre("chat"));
  ASSERT_EQ(a->skills.size(), 1u);
  EXPECT_EQ(a->skills[0].level, 2);
  EXPECT_EQ(a->max_concurrent_sessions, 3);
  EXPECT_EQ(a->name, "Nia");
}

TEST(AgentDefinitionTest, EachBrokenRuleIsNamedByItsKeyWithoutAFileOrLine) {
  std::vector<std::string> errors;
  EXPECT_FALSE(ReadAgentDefinition("employee_id = \"a9\"\nou = \"attic\"\ntype = \"multimedia\"\n"
                                   "skill_queues = [\"phone\"]\nmax_concurrent_sessions = 99\ncolour = 1\n",
                                   Tenant(), errors));
  ASSERT_EQ(errors.size(), 4u);
  for (const std::string& e : errors) EXPECT_EQ(e.rfind("agent 'a9': ", 0), 0u) << e;
  EXPECT_THAT(errors[0] + errors[1] + errors[2] + errors[3], HasSubstr("ou = \"attic\" is not an OU"));
  EXPECT_THAT(errors[0] + errors[1] + errors[2] + errors[3], HasSubstr("cannot serve the voice queue 'phone'"));
  EXPECT_THAT(errors[0] + errors[1] + errors[2] + errors[3], HasSubstr("max_concurrent_sessions"));
  EXPECT_THAT(errors[0] + errors[1] + errors[2] + errors[3], HasSubstr("unknown key 'colour'"));
  errors.clear();
  EXPECT_FALSE(ReadAgentDefinition("employee_id = ", Tenant(), errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], HasSubstr("not a TOML table"));
}

TEST(AgentDefinitionTest, TomlStringKeepsEveryCharacter) {
  const std::string value = std::string("quote \" backslash \\ tab \t newline \n bell \x07 del \x7f caf\xc3\xa9");
  const toml::table t = toml::parse("v = " + TomlString(value));
  EXPECT_EQ(t["v"].value<std::string>(), value);
}

}  // namespace
}  // namespace routerd::config
