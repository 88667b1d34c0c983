// Querying leave messages through the API: each filter alone and combined,
// paging newest first, parameter errors, and who sees which messages.
#include "engine/leave/leave_message_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tests/leave/leave_api_fixture.h"

namespace routerd::leave {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::kT0;
using testing::LeaveApiTest;

using testing::Str;

class LeaveQueryTest : public LeaveApiTest {
 protected:
  void SetUp() override {
    LeaveApiTest::SetUp();
    // Newest first: ids in creation order, times spread over 10 days.
    web_old_ = Create("111", kT0 - 9 * kDay);                  // 9 days ago
    wa_5d_ = Create("222", kT0 - 5 * kDay, "whatsapp");         // 5 days ago
    web_2d_ = Create("111", kT0 - 2 * kDay);                    // 2 days ago
    voice_1h_ = Create("333", kT0 - kHour, "voice", "vq");      // 1 hour ago
    web_now_ = Create("222", kT0 - 1);                          // just now
    ASSERT_TRUE(store_->Allocate("t", web_2d_, "a1", "acct-a1", leave::Actor{"x", {}}).ok());
    ASSERT_TRUE(store_->Allocate("t", wa_5d_, "a2", "acct-a2", leave::Actor{"x", {}}).ok());
    ASSERT_TRUE(store_->Allocate("t", voice_1h_, "a1", "acct-a1", leave::Actor{"x", {}}).ok());
    ASSERT_TRUE(store_->Process("t", voice_1h_, leave::Actor{"x", {}}).ok());
    ASSERT_TRUE(store_->MarkAllocationFailed("t", web_old_, leave::Actor{"x", {}}).ok());
    Create("111", kT0 - 1, "web", "q", "u");  // another tenant's, same contact number
  }
  std::vector<std::int64_t> Query(const std::string& params, const gateway::Principal& who) {
    auto r = Get("/api/v1/messages" + params, who);
    EXPECT_EQ(r.status(), 200) << params << ": " << r.body();
    return Ids(r.body());
  }
  static constexpr std::int64_t kHour = 3'600'000;
  static constexpr std::int64_t kDay = 24 * kHour;
  std::int64_t web_old_, wa_5d_, web_2d_, voice_1h_, web_now_;
};

INSTANTIATE_TEST_SUITE_P(Backends, LeaveQueryTest, storage::testing::SqliteAndPostgres(),
                         storage::testing::BackendTestName);

TEST_P(LeaveQueryTest, EveryFilterAloneNewestFirst) {
  EXPECT_THAT(Query("", Admin()), ElementsAre(web_now_, voice_1h_, web_2d_, wa_5d_, web_old_));
  EXPECT_THAT(Query("?window=1d", Admin()), ElementsAre(web_now_, voice_1h_));
  EXPECT_THAT(Query("?window=3d", Admin()), ElementsAre(web_now_, voice_1h_, web_2d_));
  EXPECT_THAT(Query("?window=7d", Admin()), ElementsAre(web_now_, voice_1h_, web_2d_, wa_5d_));
  EXPECT_THAT(Query("?from=" + Str(kT0 - 6 * kDay) + "&to=" + Str(kT0 - kHour), Admin()),
              ElementsAre(web_2d_, wa_5d_));  // to is exclusive
  EXPECT_THAT(Query("?from=" + Str(kT0 - kHour), Admin()), ElementsAre(web_now_, voice_1h_));
  EXPECT_THAT(Query("?to=" + Str(kT0 - 2 * kDay + 1), Admin()), ElementsAre(web_2d_, wa_5d_, web_old_));
  EXPECT_THAT(Query("?contact_number=111", Admin()), ElementsAre(web_2d_, web_old_));
  EXPECT_THAT(Query("?status=to_be_allocated", Admin()), ElementsAre(web_now_));
  EXPECT_THAT(Query("?status=unprocessed", Admin()), ElementsAre(web_2d_, wa_5d_));
  EXPECT_THAT(Query("?status=processing", Admin()), ElementsAre(voice_1h_));
  EXPECT_THAT(Query("?status=processed", Admin()), IsEmpty());
  EXPECT_THAT(Query("?status=allocation_failed", Admin()), ElementsAre(web_old_));
  EXPECT_THAT(Query("?employee_id=a1", Admin()), ElementsAre(voice_1h_, web_2d_));
  EXPECT_THAT(Query("?channel_type=web", Admin()), ElementsAre(web_now_, web_2d_, web_old_));
  EXPECT_THAT(Query("?channel_type=voice", Admin()), ElementsAre(voice_1h_));
}

TEST_P(LeaveQueryTest, FiltersCombine) {
  EXPECT_THAT(Query("?contact_number=111&status=unprocessed", Admin()), ElementsAre(web_2d_));
  EXPECT_THAT(Query("?contact_number=111&window=7d", Admin()), ElementsAre(web_2d_));
  EXPECT_THAT(Query("?employee_id=a1&channel_type=web", Admin()), ElementsAre(web_2d_));
  EXPECT_THAT(Query("?employee_id=a1&status=processing&channel_type=voice&window=1d", Admin()),
              ElementsAre(voice_1h_));
  EXPECT_THAT(Query("?employee_id=a2&channel_type=web", Admin()), IsEmpty());
  EXPECT_THAT(Query("?contact_number=222&channel_type=whatsapp&from=" + Str(kT0 - 6 * kDay) + "&to=" + Str(kT0),
                    Admin()),
              ElementsAre(wa_5d_));
  // Percent-encoded values are decoded.
  EXPECT_THAT(Query("?status=%75nprocessed&contact_number=%32%32%32", Admin()), ElementsAre(wa_5d_));
}

TEST_P(LeaveQueryTest, PagingWalksNewestFirstWithACursor) {
  auto r = Get("/api/v1/messages?page_size=2", Admin());
  ASSERT_EQ(r.status(), 200);
  EXPECT_THAT(Ids(r.body()), ElementsAre(web_now_, voice_1h_));
  EXPECT_EQ(Field(r.body(), "total"), "5");
  std::string cursor = Field(r.body(), "next_cursor");
  r = Get("/api/v1/messages?page_size=2&cursor=" + cursor, Admin());
  EXPECT_THAT(Ids(r.body()), ElementsAre(web_2d_, wa_5d_));
  cursor = Field(r.body(), "next_cursor");
  r = Get("/api/v1/messages?page_size=2&cursor=" + cursor, Admin());
  EXPECT_THAT(Ids(r.body()), ElementsAre(web_old_));
  EXPECT_EQ(Field(r.body(), "next_cursor"), "null");
  // Paging with a filter.
  r = Get("/api/v1/messages?page_size=1&channel_type=web", Admin());
  EXPECT_THAT(Ids(r.body()), ElementsAre(web_now_));
  EXPECT_EQ(Field(r.body(), "total"), "3");
  r = Get("/api/v1/messages?page_size=1&channel_type=web&cursor=" + Field(r.body(), "next_cursor"), Admin());
  EXPECT_THAT(Ids(r.body()), ElementsAre(web_2d_));
}

TEST_P(LeaveQueryTest, BadParametersAre400NamingTheParameter) {
  const std::pair<std::string, std::string> cases[] = {
      {"?window=2d", "window: \\\"2d\\\" is not valid (allowed: 1d, 3d, 7d)"},
      {"?window=1d&from=5", "window: give either window or from/to, not both"},
      {"?status=done", "status: \\\"done\\\" is not valid"},
      {"?page_size=0", "page_size: must be an integer in 1..1000"},
      {"?page_size=1001", "page_size: must be an integer in 1..1000"},
      {"?from=yesterday", "from: must be a time in Unix milliseconds"},
      {"?from=10&to=5", "from: must be before to"},
      {"?cursor=zzz", "cursor"},
      {"?colour=red", "unknown query parameter 'colour'"},
      {"?status=processed&status=unprocessed", "status: given more than once"},
      {"?contact_number=%zz", "percent-encoding"},
  };
  for (const auto& [params, error] : cases) {
    auto r = Get("/api/v1/messages" + params, Admin());
    EXPECT_EQ(r.status(), 400) << params;
    EXPECT_THAT(r.body(), HasSubstr(error)) << params;
  }
}

TEST_P(LeaveQueryTest, AnAgentSeesOnlyItsOwnMessages) {
  EXPECT_THAT(Query("", AgentP("a1")), ElementsAre(voice_1h_, web_2d_));
  EXPECT_THAT(Query("?employee_id=a1&channel_type=web", AgentP("a1")), ElementsAre(web_2d_));
  EXPECT_THAT(Query("", AgentP("a2")), ElementsAre(wa_5d_));
  EXPECT_THAT(Query("", AgentP("a3")), IsEmpty());
  auto r = Get("/api/v1/messages?employee_id=a2", AgentP("a1"));
  EXPECT_EQ(r.status(), 403);
  r = Get("/api/v1/messages/" + Str(wa_5d_), AgentP("a1"));
  EXPECT_EQ(r.status(), 403);
  r = Get("/api/v1/messages/" + Str(web_now_), AgentP("a1"));  // not allocated at all
  EXPECT_EQ(r.status(), 403);
  r = Get("/api/v1/messages/" + Str(web_2d_), AgentP("a1"));
  EXPECT_EQ(r.status(), 200);
}

TEST_P(LeaveQueryTest, TenantsAreIsolated) {
  // Tenant u's admin sees only its own message, and t's ids are unknown to it.
  auto r = Get("/api/v1/messages?contact_number=111", Admin(1));
  ASSERT_EQ(r.status(), 200);
  ASSERT_EQ(Ids(r.body()).size(), 1u);
  EXPECT_EQ(Field(r.body(), "total"), "1");
  for (std::int64_t id : {web_now_, web_2d_}) {
    EXPECT_EQ(Get("/api/v1/messages/" + Str(id), Admin(1)).status(), 404);
    EXPECT_EQ(Get("/api/v1/messages/" + Str(id) + "/download", Admin(1)).status(), 404);
    EXPECT_EQ(Post("/api/v1/messages/" + Str(id) + "/allocate", Admin(1), R"({"employee_id":"b1"})").status(), 404);
    EXPECT_EQ(Post("/api/v1/messages/" + Str(id) + "/process", Admin(1)).status(), 404);
    EXPECT_EQ(Post("/api/v1/messages/" + Str(id) + "/submit", Admin(1), R"({"handling_comments":"x"})").status(),
              404);
  }
  // Nothing of t changed or was audited.
  auto h = store_->History("t", web_2d_);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->size(), 2u);
  EXPECT_EQ(Field(Get("/api/v1/messages/" + Str(web_now_), Admin()).body(), "status"), "to_be_allocated");
}

}  // namespace
}  // namespace routerd::leave
