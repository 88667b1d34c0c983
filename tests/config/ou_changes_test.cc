// OUs defined at run time and a reloaded file's OU changes: an OU read by the
// file's rules (ReadOuDefinition) and its tree checked with retired OUs left
// out (OuTreeErrors); MergeOuChanges matches by id in the running order,
// keeps a cap set at run time, adds new OUs last or back in their old place,
// keeps removed ones in place as retired, and applies nothing with new queues.
#include "engine/config/ou_changes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/config/agent_definition.h"

namespace routerd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

OuConfig Ou(std::string id, std::string parent = "", std::optional<int> cap = std::nullopt) {
  OuConfig ou;
  ou.id = std::move(id);
  ou.parent = std::move(parent);
  ou.max_concurrent_sessions = cap;
  return ou;
}

TenantConfig RunningOus() {
  TenantConfig t;
  t.id = "acme";
  t.ous = {Ou("root"), Ou("desk", "root", 2), Ou("night", "root")};
  return t;
}

TEST(OuChangesTest, ChangesAreMatchedByIdInTheRunningOrder) {
  TenantConfig running = RunningOus();
  running.ous[1].runtime_cap = true;  // desk's cap of 2 was set through the API
  running.ous[1].max_concurrent_sessions = 2;
  TenantConfig file;
  file.id = "acme";
  file.ous = {Ou("late"), Ou("desk", "late", 5), Ou("root", "", 4)};  // night removed
  const OuChanges changes = MergeOuChanges(running, file, false);
  const std::vector<OuConfig>& ous = changes.tenant->ous;
  ASSERT_EQ(ous.size(), 4u);
  EXPECT_EQ(ous[0].id, "root");
  EXPECT_EQ(ous[0].max_concurrent_sessions, 4);
  EXPECT_EQ(ous[1].id, "desk");
  EXPECT_EQ(ous[1].parent, "late");
  EXPECT_EQ(ous[1].max_concurrent_sessions, 2) << "the run-time cap wins";
  EXPECT_TRUE(ous[1].runtime_cap);
  EXPECT_TRUE(ous[2].retired);
  EXPECT_EQ(ous[3].id, "late");
  EXPECT_THAT(changes.added, ElementsAre(3u));
  EXPECT_THAT(changes.retired, ElementsAre(2u));
  EXPECT_THAT(changes.changed, ElementsAre(0u, 1u));
  EXPECT_EQ(changes.count(), 4u);

  // night comes back in its place; the rest is as it was.
  TenantConfig back = *changes.tenant;
  TenantConfig file2 = file;
  file2.ous.push_back(Ou("night", "late"));
  const OuChanges again = MergeOuChanges(back, file2, false);
  EXPECT_THAT(again.added, ElementsAre(2u));
  EXPECT_FALSE(again.tenant->ous[2].retired);
  EXPECT_EQ(again.tenant->ous[2].parent, "late");
  EXPECT_THAT(again.changed, IsEmpty());
  EXPECT_THAT(again.retired, IsEmpty());
}

TEST(OuChangesTest, NothingAppliesWhenTheQueuesOrTheAccessModeChangeToo) {
  TenantConfig file;
  file.id = "acme";
  file.ous = {Ou("root")};
  const OuChanges changes = MergeOuChanges(RunningOus(), file, true);
  EXPECT_EQ(changes.count(), 0u);
  EXPECT_EQ(changes.tenant->ous.size(), 3u);
  EXPECT_FALSE(changes.tenant->ous[2].retired);
}

TEST(OuDefinitionTest, AnOuIsReadByTheFilesRulesAndItsTreeCheckedWithoutRetiredOus) {
  std::vector<std::string> errors;
  std::optional<OuConfig> ou = ReadOuDefinition(
      "id = \"eve\"\nparent = \"root\"\nmax_concurrent_sessions = 3\n"
      "max_concurrent_sessions_by_channel_kind = { email = 1 }\n",
      errors);
  ASSERT_TRUE(ou.has_value()) << (errors.empty() ? "" : errors.front());
  EXPECT_EQ(ou->parent, "root");
  EXPECT_EQ(ou->max_concurrent_sessions, 3);
  ASSERT_EQ(ou->kind_caps.size(), 1u);
  EXPECT_EQ(ou->kind_caps[0].kind, "email");

  EXPECT_FALSE(ReadOuDefinition("id = \"eve\"\nmax_concurrent_sessions = 99\ncolour = 1\n", errors).has_value());
  EXPECT_THAT(errors, ElementsAre(HasSubstr("ou 'eve'"), HasSubstr("ou 'eve'")));
  EXPECT_THAT(errors[0] + errors[1], HasSubstr("max_concurrent_sessions"));
  EXPECT_THAT(errors[0] + errors[1], HasSubstr("unknown key 'colour'"));
  errors.clear();
  EXPECT_FALSE(ReadOuDefinition("id = [", errors).has_value());
  EXPECT_THAT(errors, ElementsAre(HasSubstr("not a TOML table")));

  TenantConfig t = RunningOus();
  EXPECT_THAT(OuTreeErrors(t), IsEmpty());
  t.ous[0].retired = true;  // desk and night lose their parent
  EXPECT_THAT(OuTreeErrors(t), ElementsAre(HasSubstr("ou 'desk': parent = \"root\" is not an OU of this tenant"),
                                           HasSubstr("ou 'night': parent = \"root\"")));
  t.ous[0].retired = false;
  t.ous[0].parent = "night";  // root -> night -> root
  EXPECT_THAT(OuTreeErrors(t), ElementsAre(HasSubstr("OU parents form a cycle")));
}

}  // namespace
}  // namespace routerd::config
