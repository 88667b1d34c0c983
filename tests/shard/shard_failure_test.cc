// A router shard survives an input that throws: an assignment policy that
// fails makes a command's waiter get kInternal and a contact get dropped, and
// the same shard thread goes on routing. Without the guard the throw would
// reach the shard thread's top and terminate this test process.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "engine/routing/policy_registry.h"
#include "engine/shard/shard_set.h"
#include "tests/routing/tenant_builder.h"

namespace routerd::testing {
namespace {

using routing::AgentCommand;
using routing::AgentCommandType;
using routing::RoutingEvent;
using routing::RoutingEventType;

std::atomic<bool> g_policy_throws{false};

// Ranks like least busy, or throws while g_policy_throws is set.
class FailingPolicy final : public AssignmentPolicy {
 public:
  std::string_view Name() const override { return "failing"; }
  PolicyRank Rank(const AgentRankInput& agent) const override {
    if (g_policy_throws.load()) throw std::runtime_error("policy failed");
    return PolicyRank{agent.active_sessions, 0};
  }
};

class Recorder final : public routing::RoutingEventSink {
 public:
  void OnRoutingEvents(std::span<RoutingEvent> events) override {
    std::lock_guard lock(mu_);
    for (const RoutingEvent& e : events) {
      if (e.type == RoutingEventType::kCommandResult) results_[e.correlation] = {e.result, std::string(e.error)};
      if (e.type == RoutingEventType::kAssigned) ++assigned_;
    }
    cv_.notify_all();
  }
  std::pair<StatusCode, std::string> Result(std::uint64_t correlation) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return results_.count(correlation) > 0; });
    auto it = results_.find(correlation);
    return it == results_.end() ? std::pair{StatusCode::kUnavailable, std::string("no result")} : it->second;
  }
  int WaitAssigned(int n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return assigned_ >= n; });
    return assigned_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::uint64_t, std::pair<StatusCode, std::string>> results_;
  int assigned_ = 0;
};

TEST(ShardFailureTest, AThrowingCommandIsAnsweredInternalAndTheShardGoesOn) {
  config::Config cfg;
  cfg.server.router_shards = 1;
  TenantBuilder b("t1", 5);
  b.Ou("root").Queue("q", "failing").Agent("a0", "root", {"q"}).Channel("c", "q");
  cfg.tenants.push_back(b.Build());
  routing::PolicyRegistry policies;
  ASSERT_TRUE(policies.Register(std::make_unique<FailingPolicy>()).ok());
  SystemClock clock;
  Recorder recorder;
  shard::ShardSet set(cfg, policies, shard::ShardOptionsFromConfig(cfg.server), clock, recorder);
  set.Start();
  shard::ShardSet::Producer producer(set);
  const auto ref = *set.directory().FindTenant("t1");
  auto command = [&](AgentCommandType type, std::uint64_t correlation) {
    AgentCommand c;
    c.type = type;
    c.target = 0;
    c.correlation = correlation;
    EXPECT_TRUE(set.SubmitCommand(producer, ref, c).ok());
  };
  auto contact = [&](const std::string& customer) {
    auto c = std::make_shared<Contact>();
    c->tenant_id = "t1";
    c->channel_id = "c";
    c->customer_id = customer;
    ContactPtr one[] = {std::move(c)};
    EXPECT_TRUE(set.SubmitContacts(producer, ref, 0, one).ok());
  };

  command(AgentCommandType::kSignIn, 1);
  EXPECT_EQ(recorder.Result(1).first, StatusCode::kOk);
  g_policy_throws = true;
  command(AgentCommandType::kReady, 2);  // ranking the agent throws
  const auto failed = recorder.Result(2);
  EXPECT_EQ(failed.first, StatusCode::kInternal);
  EXPECT_EQ(failed.second, "the command failed inside the router (logged)");

  g_policy_throws = false;
  command(AgentCommandType::kNotReady, 3);
  EXPECT_EQ(recorder.Result(3).first, StatusCode::kOk);
  command(AgentCommandType::kReady, 4);
  EXPECT_EQ(recorder.Result(4).first, StatusCode::kOk);
  g_policy_throws = true;
  contact("first");  // assigned, then re-ranking the busier agent throws
  ASSERT_EQ(recorder.WaitAssigned(1), 1);
  command(AgentCommandType::kNotReady, 5);
  EXPECT_EQ(recorder.Result(5).first, StatusCode::kOk) << "the shard still runs";
  g_policy_throws = false;
  command(AgentCommandType::kReady, 6);
  EXPECT_EQ(recorder.Result(6).first, StatusCode::kOk);
  contact("second");
  EXPECT_EQ(recorder.WaitAssigned(2), 2);
  set.Stop();
}

}  // namespace
}  // namespace routerd::testing
