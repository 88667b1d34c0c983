#include "engine/leave/leave_message_allocator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <map>
#include <set>

#include "tests/leave/leave_api_fixture.h"

namespace routerd::leave {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::kT0;

class AllocatorTest : public testing::LeaveApiTest {
 protected:
  void SetUp() override {
    LeaveApiTest::SetUp();
    allocator_ = std::make_unique<LeaveMessageAllocator>(
        config_, *store_,
        [this](const std::string& t, const std::string& e) {
          std::lock_guard<std::mutex> lock(mu_);
          return signed_in_.count(t + "/" + e) > 0;
        },
        [this](const std::string& t, const std::string& e, std::string json) {
          std::lock_guard<std::mutex> lock(mu_);
          told_.push_back(t + "/" + e + " " + json);
          cv_.notify_all();
        });
  }
  void TearDown() override {
    allocator_.reset();
    LeaveApiTest::TearDown();
  }
  void SignIn(const std::string& t, const std::string& e) {
    std::lock_guard<std::mutex> lock(mu_);
    signed_in_.insert(t + "/" + e);
  }
  std::string StatusOf(std::int64_t id, std::string tenant = "t") {
    auto m = store_->Get(tenant, id);
    EXPECT_TRUE(m.ok());
    return m.ok() ? std::string(leave::LeaveStatusName(m->status)) : "";
  }
  std::string EmployeeOf(std::int64_t id, std::string tenant = "t") {
    auto m = store_->Get(tenant, id);
    return m.ok() && m->employee_id ? *m->employee_id : "";
  }
  std::vector<std::string> told() {
    std::lock_guard<std::mutex> lock(mu_);
    return told_;
  }

  std::unique_ptr<LeaveMessageAllocator> allocator_;
  std::set<std::string> signed_in_;
  std::vector<std::string> told_;
  std::condition_variable cv_;
};

INSTANTIATE_TEST_SUITE_P(Backends, AllocatorTest, storage::testing::SqliteAndPostgres(),
                         storage::testing::BackendTestName);

TEST_P(AllocatorTest, SpreadsEvenlyOverTheQueuesSignedInAgentsAndTellsThem) {
  SignIn("t", "a1");
  SignIn("t", "a2");
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(Create("c" + std::to_string(i), kT0 - 100 + i));
  AllocationResult r = allocator_->RunPass();
  EXPECT_EQ(r.allocated, 6u);
  EXPECT_EQ(r.failed, 0u);
  std::vector<std::string> who;
  for (std::int64_t id : ids) {
    EXPECT_EQ(StatusOf(id), "unprocessed");
    who.push_back(EmployeeOf(id));
  }
  // Oldest first, fewest open allocations first, ties in configuration order.
  EXPECT_THAT(who, ElementsAre("a1", "a2", "a1", "a2", "a1", "a2"));
  auto m = store_->Get("t", ids[1]);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(*m->business_account, "acct-a2");
  auto history = store_->History("t", ids[1]);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->back().actor, LeaveMessageAllocator::kActor);
  ASSERT_EQ(told().size(), 6u);
  EXPECT_THAT(told()[1], HasSubstr("t/a2 {\"type\":\"leave_message_allocated\",\"message\":{\"id\":" +
                                   std::to_string(ids[1]) + ","));
  EXPECT_THAT(told()[1], HasSubstr("\"status\":\"unprocessed\",\"employee_id\":\"a2\""));
  // Nothing left for a second pass.
  EXPECT_EQ(allocator_->RunPass().allocated, 0u);
}

TEST_P(AllocatorTest, FewestOpenAllocationsFirstCountingUnprocessedAndProcessing) {
  SignIn("t", "a1");
  SignIn("t", "a2");
  // a1 already holds two open messages (one processing), a2 one processed (not open).
  for (int i = 0; i < 2; ++i) {
    const std::int64_t id = Create("old" + std::to_string(i), kT0 - 5000);
    ASSERT_TRUE(store_->Allocate("t", id, "a1", "acct-a1", leave::Actor{"x", {}}).ok());
    if (i == 0) {
      ASSERT_TRUE(store_->Process("t", id, leave::Actor{"x", {}}).ok());
    }
  }
  const std::int64_t done = Create("done", kT0 - 5000);
  ASSERT_TRUE(store_->Allocate("t", done, "a2", "acct-a2", leave::Actor{"x", {}}).ok());
  ASSERT_TRUE(store_->Process("t", done, leave::Actor{"x", {}}).ok());
  ASSERT_TRUE(store_->SubmitHandling("t", done, "ok", leave::Actor{"x", {}}).ok());
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(Create("n" + std::to_string(i), kT0 - 100 + i));
  EXPECT_EQ(allocator_->RunPass().allocated, 3u);
  EXPECT_EQ(EmployeeOf(ids[0]), "a2");
  EXPECT_EQ(EmployeeOf(ids[1]), "a2");
  EXPECT_EQ(EmployeeOf(ids[2]), "a1");  // 2 open each: configuration order
}

TEST_P(AllocatorTest, VoiceAgentsGetOnlyVoiceMessages) {
  SignIn("t", "v1");
  SignIn("t", "x1");
  const std::int64_t web = Create("w", kT0 - 10, "web", "vq");
  const std::int64_t v_a = Create("v", kT0 - 9, "voice", "vq");
  const std::int64_t v_b = Create("v2", kT0 - 8, "voice", "vq");
  EXPECT_EQ(allocator_->RunPass().allocated, 3u);
  EXPECT_EQ(EmployeeOf(web), "x1");  // the versatile agent, not the voice one
  EXPECT_EQ(EmployeeOf(v_a), "v1");  // x1 has 1 open, v1 none
  EXPECT_EQ(EmployeeOf(v_b), "v1");  // 1 each: configuration order puts v1 first
}

TEST_P(AllocatorTest, NoAgentMeansAllocationFailedUntilAnAgentOfTheQueueSignsIn) {
  const std::int64_t a = Create("a", kT0 - 10);
  const std::int64_t b = Create("b", kT0 - 9);
  const std::int64_t web_in_vq = Create("w", kT0 - 8, "web", "vq");
  SignIn("t", "v1");  // a voice agent cannot take the web message of vq
  const std::int64_t nobody = Create("n", kT0 - 7, "web", "empty");  // a queue without agents
  AllocationResult r = allocator_->RunPass();
  EXPECT_EQ(r.allocated, 0u);
  EXPECT_EQ(r.failed, 4u);
  for (std::int64_t id : {a, b, web_in_vq, nobody}) EXPECT_EQ(StatusOf(id), "allocation_failed");
  EXPECT_THAT(told(), IsEmpty());
  auto history = store_->History("t", a);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->back().action, "allocation_failed");
  // A later pass does not touch Allocation failed messages.
  EXPECT_EQ(allocator_->RunPass().failed, 0u);

  // a2 signs in: the messages of its queue q are retried and spread over the
  // signed-in agents of q (only a2); vq's and empty's stay failed.
  SignIn("t", "a2");
  r = allocator_->Rearm("t", "a2");
  EXPECT_EQ(r.allocated, 2u);
  EXPECT_EQ(EmployeeOf(a), "a2");
  EXPECT_EQ(EmployeeOf(b), "a2");
  EXPECT_EQ(StatusOf(web_in_vq), "allocation_failed");
  EXPECT_EQ(StatusOf(nobody), "allocation_failed");
  ASSERT_EQ(told().size(), 2u);
  EXPECT_THAT(told()[0], HasSubstr("t/a2 {\"type\":\"leave_message_allocated\""));
}

TEST_P(AllocatorTest, TheThreadPollsAndReArmsOnSignIn) {
  const std::int64_t id = Create("a", kT0 - 10);
  allocator_->Start();  // the first pass runs at once
  // Wait for the pass to mark it failed, then sign a1 in.
  for (;;) {
    if (StatusOf(id) == "allocation_failed") break;
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(20));
  }
  SignIn("t", "a1");
  allocator_->OnAgentSignedIn("t", "a1");
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return !told_.empty(); });
  }
  EXPECT_EQ(EmployeeOf(id), "a1");
  // A message created later is found after Kick().
  const std::int64_t later = Create("b", kT0 - 5);
  allocator_->Kick();
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return told_.size() == 2; });
  }
  EXPECT_EQ(EmployeeOf(later), "a1");
  allocator_->Stop();
}

TEST_P(AllocatorTest, QueuesWithoutAutoAllocateAndOtherTenantsAreLeftAlone) {
  SignIn("t", "a1");
  SignIn("u", "b1");
  const std::int64_t manual = Create("m", kT0 - 10, "web", "manual");
  const std::int64_t u_msg = Create("u", kT0 - 10, "web", "q", "u");
  EXPECT_EQ(allocator_->RunPass().allocated, 1u);
  EXPECT_EQ(StatusOf(manual), "to_be_allocated");
  EXPECT_EQ(EmployeeOf(u_msg, "u"), "b1");
  ASSERT_EQ(told().size(), 1u);
  EXPECT_THAT(told()[0], HasSubstr("u/b1 "));
}

TEST_P(AllocatorTest, WithoutASignedInPredicateEveryConfiguredAgentCounts) {
  LeaveMessageAllocator plain(config_, *store_, nullptr, nullptr);
  const std::int64_t a = Create("a", kT0 - 10);
  const std::int64_t b = Create("b", kT0 - 9);
  EXPECT_EQ(plain.RunPass().allocated, 2u);
  EXPECT_EQ(EmployeeOf(a), "a1");
  EXPECT_EQ(EmployeeOf(b), "a2");
}

}  // namespace
}  // namespace routerd::leave

namespace routerd::leave {
namespace {

TEST_P(AllocatorTest, AnAgentRoleWithoutViewContactIsToldAMaskedNumber) {
  config_.tenants[0].permissions.agent &= ~config::LeavePermissions::Bit(config::LeaveOperation::kViewContact);
  SignIn("t", "a1");
  Create("+15550009999", kT0 - 10);
  EXPECT_EQ(allocator_->RunPass().allocated, 1u);
  ASSERT_EQ(told().size(), 1u);
  EXPECT_THAT(told()[0], HasSubstr("\"contact_number\":\"********9999\""));
  EXPECT_THAT(told()[0], ::testing::Not(HasSubstr("+15550009999")));
}

}  // namespace
}  // namespace routerd::leave
