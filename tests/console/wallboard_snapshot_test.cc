#include "engine/console/wallboard_snapshot.h"

#include <gtest/gtest.h>

#include "tests/routing/router_harness.h"
#include "tests/routing/tenant_builder.h"

namespace routerd::console {
namespace {

using routerd::testing::kSecond;
using routerd::testing::RouterHarness;
using routerd::testing::TenantBuilder;

// Tenant t: OU sup (cap 2) and desk; queue chat (web channel) with a1 and a2
// (own cap 1); voice queue phone with v1.
config::TenantConfig Tenant() {
  config::TenantConfig t = TenantBuilder("t", 5)
                               .Ou("sup", "", 2)
                               .Ou("desk")
                               .Queue("chat")
                               .Queue("phone", "least_busy", 60, 1000, "", config::QueueMedia::kVoice)
                               .Agent("a1", "sup", {"chat"})
                               .Agent("a2", "sup", {"chat"}, 1)
                               .Agent("v1", "desk", {"phone"}, std::nullopt, config::AgentType::kVoice)
                               .Channel("web", "chat")
                               .Build();
  t.agents[0].name = "Ana \"A\" Lima";
  return t;
}

class WallboardSnapshotTest : public ::testing::Test {
 protected:
  config::TenantConfig config_ = Tenant();
  RouterHarness h_{config_};
};

TEST_F(WallboardSnapshotTest, QueueLoadCountsWaitingReadinessCapsAndRoom) {
  h_.SignInReady("a1");
  ASSERT_EQ(h_.Command(routing::AgentCommandType::kSignIn, "a2"), StatusCode::kOk);
  h_.Contact("web", "c1");
  h_.Contact("web", "c2");
  h_.Contact("web", "c3");  // a1 is at its cap of 2: waits
  h_.Advance(5 * kSecond + 400'000'000);

  QueueLoad chat = LoadOfQueue(h_.router(), 0, h_.now());
  EXPECT_EQ(chat.waiting, 1u);
  EXPECT_EQ(chat.oldest_wait_ms, 5400);
  EXPECT_EQ(chat.agents_signed_in, 2u);
  EXPECT_EQ(chat.agents_ready, 1u);
  EXPECT_EQ(chat.agents_at_cap, 1u);
  EXPECT_EQ(chat.free_capacity, 0u);

  ASSERT_EQ(h_.Command(routing::AgentCommandType::kReady, "a2"), StatusCode::kOk);  // takes c3
  chat = LoadOfQueue(h_.router(), 0, h_.now());
  EXPECT_EQ(chat.waiting, 0u);
  EXPECT_EQ(chat.oldest_wait_ms, 0);
  EXPECT_EQ(chat.agents_ready, 2u);
  EXPECT_EQ(chat.agents_at_cap, 2u);
  EXPECT_EQ(chat.free_capacity, 0u);

  ASSERT_EQ(h_.Close("a1", h_.SessionOf("a1")), StatusCode::kOk);
  chat = LoadOfQueue(h_.router(), 0, h_.now());
  EXPECT_EQ(chat.agents_at_cap, 1u);
  EXPECT_EQ(chat.free_capacity, 1u);
}

TEST_F(WallboardSnapshotTest, VoiceAgentsAreCountedButOfferNoMultimediaRoom) {
  h_.SignInReady("v1");
  const QueueLoad phone = LoadOfQueue(h_.router(), 1, h_.now());
  EXPECT_EQ(phone.agents_signed_in, 1u);
  EXPECT_EQ(phone.agents_ready, 1u);
  EXPECT_EQ(phone.agents_at_cap, 0u);
  EXPECT_EQ(phone.free_capacity, 0u);
}

TEST_F(WallboardSnapshotTest, CaptureRendersQueuesAndAgentsWithCapOrigins) {
  h_.SignInReady("a1");
  ASSERT_EQ(h_.Command(routing::AgentCommandType::kSignIn, "a2"), StatusCode::kOk);
  h_.Contact("web", "c1");
  h_.Contact("web", "c2");
  h_.Contact("web", "c3");
  h_.Advance(2 * kSecond);
  const TenantCapture capture = CaptureTenant(h_.router(), config_, h_.now());
  EXPECT_EQ(capture.waiting, (std::vector<std::uint32_t>{1, 0}));
  EXPECT_EQ(capture.members,
            R"("queues":[{"id":"chat","media":"multimedia","waiting":1,"oldest_wait_ms":2000,"agents_signed_in":2,)"
            R"("agents_ready":1,"agents_at_cap":1,"agents_in_wrap_up":0,"free_capacity":0,)"
            R"("statistics":{"answered":2,"answered_in_service_level":2,"service_level_seconds":20,)"
            R"("service_level_percent":100,"abandoned":0,"overflowed":0,"transferred":0,)"
            R"("wait_ms":{"average":0,"p50":1000,"p90":1000},"handle_ms":{"average":null,"p50":null,"p90":null}}},)"
            R"({"id":"phone","media":"voice","waiting":0,"oldest_wait_ms":0,"agents_signed_in":0,"agents_ready":0,)"
            R"("agents_at_cap":0,"agents_in_wrap_up":0,"free_capacity":0,)"
            R"("statistics":{"answered":0,"answered_in_service_level":0,"service_level_seconds":20,)"
            R"("service_level_percent":null,"abandoned":0,"overflowed":0,"transferred":0,)"
            R"("wait_ms":{"average":null,"p50":null,"p90":null},"handle_ms":{"average":null,"p50":null,"p90":null}}}],)"
            R"("agents":[{"employee_id":"a1","name":"Ana \"A\" Lima","agent_type":"multimedia","ou":"sup",)"
            R"("state":"ready","active_sessions":2,"wrap_ups":0,"effective_cap":2,"cap_origin":"ou",)"
            R"("cap_origin_ou":"sup"},)"
            R"({"employee_id":"a2","name":"","agent_type":"multimedia","ou":"sup","state":"not_ready",)"
            R"("active_sessions":0,"wrap_ups":0,"effective_cap":1,"cap_origin":"agent"},)"
            R"({"employee_id":"v1","name":"","agent_type":"voice","ou":"desk","state":"signed_out",)"
            R"("active_sessions":0,"wrap_ups":0,"effective_cap":5,"cap_origin":"tenant"}])");
  EXPECT_EQ(WaitingCounts(h_.router()), capture.waiting);
}

// Per-channel-kind access: email capped at 1, every other kind at 2.
TEST(WallboardKindsTest, QueueLoadAndAgentsCountEachKindAgainstItsCap) {
  const config::TenantConfig tenant = TenantBuilder("t", 2)
                                          .PerChannelKind({{"email", 1, 0}})
                                          .Ou("sup")
                                          .Queue("chat")
                                          .Agent("a1", "sup", {"chat"})
                                          .Channel("mail", "chat", "email")
                                          .Channel("web", "chat", "web")
                                          .Build();
  RouterHarness h(tenant);
  h.SignInReady("a1");
  h.Contact("mail", "m1");
  QueueLoad chat = LoadOfQueue(h.router(), 0, h.now());
  EXPECT_EQ(chat.agents_at_cap, 0u);  // email is full, web has room
  EXPECT_EQ(chat.free_capacity, 2u);
  h.Contact("web", "w1");
  h.Contact("web", "w2");
  chat = LoadOfQueue(h.router(), 0, h.now());
  EXPECT_EQ(chat.agents_at_cap, 1u);
  EXPECT_EQ(chat.free_capacity, 0u);

  const TenantCapture capture = CaptureTenant(h.router(), tenant, h.now());
  EXPECT_NE(capture.members.find(R"("effective_cap":2,"cap_origin":"tenant","channel_kinds":[)"
                                 R"({"kind":"email","in_use":1,"effective_cap":1,"cap_origin":"tenant"},)"
                                 R"({"kind":"web","in_use":2,"effective_cap":2,"cap_origin":"tenant"}]})"),
            std::string::npos)
      << capture.members;
}

TEST(WaitingHistoryTest, KeepsTheMostWaitingPerBucketWithGapsAsNull) {
  WaitingHistory h(2, 1000, 3);
  h.Record(10'500, std::vector<std::uint32_t>{1, 0});
  h.Record(10'900, std::vector<std::uint32_t>{3, 1});
  h.Record(10'950, std::vector<std::uint32_t>{2, 0});
  h.Record(12'100, std::vector<std::uint32_t>{0, 4});
  EXPECT_EQ(h.size(), 2u);
  EXPECT_EQ(h.At(0, 10'000), 3u);
  EXPECT_EQ(h.At(1, 10'999), 1u);
  EXPECT_EQ(h.At(0, 11'000), std::nullopt);
  const std::vector<std::string> ids{"a", "b"};
  std::string out;
  h.AppendJson(out, 12'500, ids);
  EXPECT_EQ(out, R"("history":{"bucket_ms":1000,"end_ms":13000,"queues":[{"id":"a","waiting":[3,null,0]},)"
                 R"({"id":"b","waiting":[1,null,4]}]})");
}

TEST(WaitingHistoryTest, ForgetsBucketsOlderThanItsLength) {
  WaitingHistory h(1, 1000, 3);
  h.Record(10'000, std::vector<std::uint32_t>{7});
  h.Record(12'000, std::vector<std::uint32_t>{1});
  h.Record(14'000, std::vector<std::uint32_t>{5});
  EXPECT_EQ(h.size(), 2u);  // bucket 10 is gone, 12 and 14 stay
  EXPECT_EQ(h.At(0, 10'000), std::nullopt);
  const std::vector<std::string> ids{"q"};
  std::string out;
  h.AppendJson(out, 14'000, ids);
  EXPECT_EQ(out, R"("history":{"bucket_ms":1000,"end_ms":15000,"queues":[{"id":"q","waiting":[1,null,5]}]})");
  // Long after the last sample: nothing known.
  out.clear();
  h.AppendJson(out, 60'000, ids);
  EXPECT_EQ(out, R"("history":{"bucket_ms":1000,"end_ms":61000,"queues":[{"id":"q","waiting":[null,null,null]}]})");
}

TEST(WaitingHistoryTest, ASampleFromBeforeTheNewestBucketCountsInIt) {
  WaitingHistory h(1, 1000, 4);
  h.Record(14'200, std::vector<std::uint32_t>{2});
  h.Record(13'000, std::vector<std::uint32_t>{9});  // the wall clock stepped back
  EXPECT_EQ(h.size(), 1u);
  EXPECT_EQ(h.At(0, 14'000), 9u);
}

TEST(WaitingHistoryTest, SnapshotJsonWrapsStateAndHistory) {
  WaitingHistory h(1, 5000, 2);
  h.Record(10'000, std::vector<std::uint32_t>{2});
  const std::vector<std::string> ids{"chat"};
  EXPECT_EQ(SnapshotJson("acme", 12'000, R"("queues":[],"agents":[])", h, ids),
            R"({"type":"snapshot","tenant":"acme","at_ms":12000,"queues":[],"agents":[],)"
            R"("history":{"bucket_ms":5000,"end_ms":15000,"queues":[{"id":"chat","waiting":[null,2]}]}})");
}

}  // namespace
}  // namespace routerd::console
