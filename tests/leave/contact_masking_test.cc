// Contact numbers are personal data: a role without the view_contact right
// gets them masked by the server, in every answer of the leave-message API.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/leave/leave_json.h"
#include "tests/leave/leave_api_fixture.h"

namespace routerd::leave {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::kT0;
using testing::LeaveApiTest;

using config::LeaveOperation;
using config::LeavePermissions;

using testing::Str;

TEST(MaskContactNumberTest, KeepsOnlyTheLastFourCharacters) {
  EXPECT_EQ(MaskContactNumber("+8613800001234"), "**********1234");
  EXPECT_EQ(MaskContactNumber("12345"), "*2345");
  EXPECT_EQ(MaskContactNumber("v-visitor-42"), "********r-42");
}

TEST(MaskContactNumberTest, ShortNumbersAreMaskedWhole) {
  EXPECT_EQ(MaskContactNumber("1234"), "****");
  EXPECT_EQ(MaskContactNumber("555"), "***");
  EXPECT_EQ(MaskContactNumber(""), "");
}

TEST(MaskContactNumberTest, CountsCharactersNotBytes) {
  // Seven characters, three bytes each: three stars, the last four whole.
  EXPECT_EQ(MaskContactNumber("\xe4\xb8\x80\xe4\xba\x8c\xe4\xb8\x89\xe5\x9b\x9b\xe4\xba\x94\xe5\x85\xad\xe4\xb8\x83"),
            "***\xe5\x9b\x9b\xe4\xba\x94\xe5\x85\xad\xe4\xb8\x83");
}

// The API's answers through real storage, on SQLite and on PostgreSQL.
class ContactMaskingTest : public LeaveApiTest {};
INSTANTIATE_TEST_SUITE_P(Backends, ContactMaskingTest, storage::testing::SqliteAndPostgres(),
                         storage::testing::BackendTestName);

constexpr std::uint32_t kAgentDefault = LeavePermissions::kAll & ~LeavePermissions::Bit(LeaveOperation::kAllocate);
constexpr std::uint32_t kAgentNoContact = kAgentDefault & ~LeavePermissions::Bit(LeaveOperation::kViewContact);

TEST_P(ContactMaskingTest, DefaultRolesSeeTheWholeNumber) {
  const std::int64_t id = Create("+8613800001234", kT0);
  auto r = Post("/api/v1/messages/" + Str(id) + "/allocate", Admin(), R"({"employee_id":"a1"})");
  ASSERT_EQ(r.status(), 200) << r.body();
  EXPECT_EQ(Field(r.body(), "contact_number"), "+8613800001234");
  ASSERT_EQ(notified().size(), 1u);
  EXPECT_THAT(notified()[0], HasSubstr(R"("contact_number":"+8613800001234")"));
  r = Get("/api/v1/messages/" + Str(id), AgentP("a1"));
  EXPECT_EQ(Field(r.body(), "contact_number"), "+8613800001234");
}

TEST_P(ContactMaskingTest, AnAgentRoleWithoutViewContactGetsMaskedNumbersEverywhere) {
  config_.tenants[0].permissions.agent = kAgentNoContact;
  const std::int64_t id = Create("+8613800001234", kT0);
  // The admin keeps the right: the allocation answer shows the number, the
  // notification to the agent does not.
  auto r = Post("/api/v1/messages/" + Str(id) + "/allocate", Admin(), R"({"employee_id":"a1"})");
  ASSERT_EQ(r.status(), 200) << r.body();
  EXPECT_EQ(Field(r.body(), "contact_number"), "+8613800001234");
  ASSERT_EQ(notified().size(), 1u);
  EXPECT_THAT(notified()[0], HasSubstr(R"("contact_number":"**********1234")"));
  EXPECT_THAT(notified()[0], Not(HasSubstr("8613800001234")));

  r = Get("/api/v1/messages", AgentP("a1"));
  ASSERT_EQ(r.status(), 200) << r.body();
  EXPECT_THAT(r.body(), HasSubstr(R"("contact_number":"**********1234")"));
  EXPECT_THAT(r.body(), Not(HasSubstr("8613800001234")));
  r = Get("/api/v1/messages/" + Str(id), AgentP("a1"));
  EXPECT_EQ(Field(r.body(), "contact_number"), "**********1234");
  r = Post("/api/v1/messages/" + Str(id) + "/process", AgentP("a1"));
  ASSERT_EQ(r.status(), 200) << r.body();
  EXPECT_EQ(Field(r.body(), "contact_number"), "**********1234");
  r = Post("/api/v1/messages/" + Str(id) + "/submit", AgentP("a1"), R"({"handling_comments":"done"})");
  ASSERT_EQ(r.status(), 200) << r.body();
  EXPECT_EQ(Field(r.body(), "contact_number"), "**********1234");
  r = Get("/api/v1/messages/" + Str(id) + "/download", AgentP("a1"));
  ASSERT_EQ(r.status(), 200) << r.body();
  EXPECT_EQ(Field(r.body(), "contact_number"), "**********1234");
  EXPECT_THAT(r.body(), Not(HasSubstr("8613800001234")));
  // The admin still sees it whole.
  r = Get("/api/v1/messages/" + Str(id), Admin());
  EXPECT_EQ(Field(r.body(), "contact_number"), "+8613800001234");
}

TEST_P(ContactMaskingTest, AMaskedRoleMaySearchByANumberItKnows) {
  config_.tenants[0].permissions.tenant_admin = LeavePermissions::kAll & ~LeavePermissions::Bit(LeaveOperation::kViewContact);
  const std::int64_t id = Create("+8613800001234", kT0);
  Create("+8613800009999", kT0 - 1);
  auto r = Get("/api/v1/messages?contact_number=%2B8613800001234", Admin());
  ASSERT_EQ(r.status(), 200) << r.body();
  EXPECT_EQ(Ids(r.body()), std::vector<std::int64_t>{id});
  EXPECT_THAT(r.body(), HasSubstr(R"("contact_number":"**********1234")"));
  r = Post("/api/v1/messages/" + Str(id) + "/allocate", Admin(), R"({"employee_id":"a2"})");
  EXPECT_EQ(Field(r.body(), "contact_number"), "**********1234");
  // The agent role kept its default and is told the whole number.
  ASSERT_EQ(notified().size(), 1u);
  EXPECT_THAT(notified()[0], HasSubstr(R"("contact_number":"+8613800001234")"));
}

}  // namespace
}  // namespace routerd::leave
