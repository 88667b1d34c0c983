// Rules of the leave-message API beyond the statuses: manual allocation
// follows the same media rule as automatic allocation, channel_type is
// matched without regard to case and an unknown one is 400, and a message
// says what its contact number is.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/leave/allocation_rule.h"
#include "engine/leave/contact_number.h"
#include "tests/leave/leave_api_fixture.h"

namespace routerd::leave {
namespace {

using ::testing::ElementsAre;
using testing::kT0;
using testing::LeaveApiTest;

using testing::Str;

// The API through real storage, on SQLite and on PostgreSQL.
class LeaveQueryRulesTest : public LeaveApiTest {};
INSTANTIATE_TEST_SUITE_P(Backends, LeaveQueryRulesTest, storage::testing::SqliteAndPostgres(),
                         storage::testing::BackendTestName);

TEST_P(LeaveQueryRulesTest, ManualAllocationFollowsTheMediaRule) {
  const std::int64_t web = Create("v-1", kT0);
  const std::int64_t voice = Create("+8613800000000", kT0, "voice", "vq");
  auto r = Post("/api/v1/messages/" + Str(web) + "/allocate", Admin(), R"({"employee_id":"v1"})");
  EXPECT_EQ(r.status(), 409);
  EXPECT_EQ(Field(r.body(), "detail"),
            "leave message " + Str(web) +
                ": employee_id: agent v1 is a voice agent and cannot take a web message (only voice messages go to "
                "voice agents; choose a multimedia or versatile agent)");
  r = Post("/api/v1/messages/" + Str(voice) + "/allocate", Admin(), R"({"employee_id":"a1"})");
  EXPECT_EQ(r.status(), 409);
  EXPECT_EQ(Field(r.body(), "detail"),
            "leave message " + Str(voice) +
                ": employee_id: agent a1 is a multimedia agent and cannot take a voice message (voice messages go "
                "to voice or versatile agents)");
  // Nothing changed, nobody was told.
  EXPECT_EQ(store_->Get("t", web)->status, LeaveStatus::kToBeAllocated);
  EXPECT_EQ(store_->History("t", voice)->size(), 1u);
  EXPECT_TRUE(notified().empty());
  // A versatile agent takes both; the right type takes its own.
  EXPECT_EQ(Post("/api/v1/messages/" + Str(web) + "/allocate", Admin(), R"({"employee_id":"x1"})").status(), 200);
  EXPECT_EQ(Post("/api/v1/messages/" + Str(voice) + "/allocate", Admin(), R"({"employee_id":"v1"})").status(), 200);
  // An unknown id is still 404.
  EXPECT_EQ(Post("/api/v1/messages/999999/allocate", Admin(), R"({"employee_id":"a1"})").status(), 404);
}

TEST(AllocationRuleTest, AgentTypesAndMedia) {
  config::AgentConfig a;
  a.employee_id = "e";
  for (auto [type, kind, ok] : {std::tuple{config::AgentType::kVoice, "voice", true},
                                std::tuple{config::AgentType::kVoice, "web", false},
                                std::tuple{config::AgentType::kVoice, "whatsapp", false},
                                std::tuple{config::AgentType::kMultimedia, "web", true},
                                std::tuple{config::AgentType::kMultimedia, "voice", false},
                                std::tuple{config::AgentType::kVersatile, "voice", true},
                                std::tuple{config::AgentType::kVersatile, "line", true}}) {
    a.type = type;
    Status s = CheckAllocationTarget(kind, a);
    EXPECT_EQ(s.ok(), ok) << kind;
    if (!ok) {
      EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
    }
  }
}

TEST_P(LeaveQueryRulesTest, ChannelTypeIsMatchedWithoutCaseAndAnUnknownOneIs400) {
  const std::int64_t web = Create("v-1", kT0);
  const std::int64_t voice = Create("555", kT0 - 1, "voice", "vq");
  for (const char* spelling : {"web", "WEB", "Web"}) {
    auto r = Get(std::string("/api/v1/messages?channel_type=") + spelling, Admin());
    ASSERT_EQ(r.status(), 200) << spelling;
    EXPECT_THAT(Ids(r.body()), ElementsAre(web)) << spelling;
  }
  EXPECT_THAT(Ids(Get("/api/v1/messages?channel_type=Voice", Admin()).body()), ElementsAre(voice));
  EXPECT_THAT(Ids(Get("/api/v1/messages?channel_type=WHATSAPP", Admin()).body()), ElementsAre());
  for (const char* unknown : {"sms", "SMS", "line", ""}) {
    auto r = Get(std::string("/api/v1/messages?channel_type=") + unknown, Admin());
    EXPECT_EQ(r.status(), 400) << unknown;
    EXPECT_EQ(Field(r.body(), "detail"), std::string("channel_type: \"") + unknown +
                                             "\" is not a channel type of this tenant (allowed: voice, web, whatsapp)");
  }
}

TEST_P(LeaveQueryRulesTest, AMessageSaysWhatItsContactNumberIs) {
  const std::int64_t visitor = Create("v-1", kT0);
  const std::int64_t phone = Create("+34600111222", kT0);
  const std::int64_t voice = Create("13800000000", kT0, "voice", "vq");
  const std::int64_t wa = Create("34600111222", kT0, "whatsapp");
  EXPECT_EQ(Field(Get("/api/v1/messages/" + Str(visitor), Admin()).body(), "contact_number_type"), "visitor_id");
  EXPECT_EQ(Field(Get("/api/v1/messages/" + Str(phone), Admin()).body(), "contact_number_type"), "phone");
  EXPECT_EQ(Field(Get("/api/v1/messages/" + Str(voice), Admin()).body(), "contact_number_type"), "phone");
  EXPECT_EQ(Field(Get("/api/v1/messages/" + Str(wa), Admin()).body(), "contact_number_type"), "customer_id");
}

TEST(ContactNumberTest, TheLastPhoneGivenElseTheCustomerId) {
  auto contact = [](std::string customer, std::string phone) {
    auto c = std::make_shared<Contact>();
    c->customer_id = std::move(customer);
    c->phone = std::move(phone);
    return ContactPtr(c);
  };
  std::vector<ContactPtr> none{contact("v-1", ""), contact("v-1", "")};
  EXPECT_EQ(ContactNumberOf(none), "v-1");
  std::vector<ContactPtr> some{contact("v-1", "+34600000001"), contact("v-1", ""), contact("v-1", "+34600000002"),
                               contact("v-1", "")};
  EXPECT_EQ(ContactNumberOf(some), "+34600000002");
}

TEST(ContactNumberTest, E164) {
  for (const char* ok : {"+34600111222", "+12", "+123456789012345"}) EXPECT_TRUE(IsE164PhoneNumber(ok)) << ok;
  for (const char* bad : {"", "+", "+1", "34600111222", "+034600111222", "+1234567890123456", "+34 600", "+34-600",
                          "++34600"}) {
    EXPECT_FALSE(IsE164PhoneNumber(bad)) << bad;
  }
}

}  // namespace
}  // namespace routerd::leave
