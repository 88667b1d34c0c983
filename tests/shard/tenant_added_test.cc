// Tenants added to running shards: the index readers use without a lock
// (GrowOnlyIndex) publishes adds whole and never moves a value, and a
// ShardSet routes a tenant it is given while running, then retires it,
// while other threads keep resolving tenants.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "engine/base/grow_only_index.h"
#include "engine/routing/policy_registry.h"
#include "engine/shard/shard_set.h"
#include "tests/routing/tenant_builder.h"

namespace routerd::testing {
namespace {

using routing::AgentCommand;
using routing::AgentCommandType;
using routing::RoutingEvent;
using routing::RoutingEventType;

TEST(GrowOnlyIndexTest, AddsShowAtPublishAndValuesNeverMove) {
  base::GrowOnlyIndex<std::string> index;
  std::string& first = index.Add("a", "value a");
  EXPECT_EQ(index.Find("a"), nullptr) << "not published yet";
  EXPECT_EQ(index.size(), 0u);
  index.Publish();
  ASSERT_EQ(index.Find("a"), &first);
  for (int i = 0; i < 500; ++i) index.Add("n" + std::to_string(i), std::to_string(i));
  index.Publish();
  EXPECT_EQ(index.Find("a"), &first) << "a value stays where it was";
  EXPECT_EQ(*index.Find("n499"), "499");
  ASSERT_EQ(index.size(), 501u);
  EXPECT_EQ(index.at(0), "value a");
  EXPECT_EQ(index.at(500), "499");
  EXPECT_EQ(index.Find("missing"), nullptr);
}

TEST(GrowOnlyIndexTest, AReaderSeesEveryPublishedValueWholeWhileTheWriterAdds) {
  base::GrowOnlyIndex<std::string> index;
  std::atomic<bool> done{false};
  std::atomic<int> mismatches{0};
  std::thread reader([&] {
    while (!done.load()) {
      const std::size_t n = index.size();
      for (std::size_t i = 0; i < n; ++i) {
        const std::string name = "t" + std::to_string(i);
        if (index.at(i) != name || index.Find(name) != &index.at(i)) mismatches.fetch_add(1);
      }
    }
  });
  for (int i = 0; i < 2000; ++i) {
    const std::string name = "t" + std::to_string(i);
    index.Add(name, name);
    if (i % 7 == 0) index.Publish();
  }
  index.Publish();
  done = true;
  reader.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(index.size(), 2000u);
}

class AssignedCounter final : public routing::RoutingEventSink {
 public:
  void OnRoutingEvents(std::span<RoutingEvent> events) override {
    std::lock_guard lock(mu_);
    for (const RoutingEvent& e : events) {
      if (e.type == RoutingEventType::kAssigned) ++assigned_[std::string(e.tenant_id)];
      if (e.type == RoutingEventType::kCommandResult) ++results_;
    }
    cv_.notify_all();
  }
  int WaitAssigned(const std::string& tenant, int n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return assigned_[tenant] >= n; });
    return assigned_[tenant];
  }
  void WaitResults(int n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return results_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, int> assigned_;
  int results_ = 0;
};

config::TenantConfig SmallTenant(const std::string& id) {
  TenantBuilder b(id, 5);
  b.Ou("root").Queue("q").Agent("a0", "root", {"q"}).Channel("c-" + id, "q");
  return b.Build();
}

TEST(ShardSetTenantsTest, ATenantAddedWhileRunningIsRoutedAndOneRetiredIsNoLongerFound) {
  config::Config cfg;
  cfg.server.router_shards = 2;
  cfg.tenants.push_back(SmallTenant("t1"));
  std::deque<config::TenantConfig> added;  // outlives the set
  routing::PolicyRegistry policies;
  ASSERT_TRUE(routing::RegisterBuiltinPolicies(policies).ok());
  SystemClock clock;
  AssignedCounter events;
  shard::ShardSet set(cfg, policies, shard::ShardOptionsFromConfig(cfg.server), clock, events);
  set.Start();

  // Readers resolve the start-up tenant all along.
  std::atomic<bool> done{false};
  std::atomic<int> misses{0};
  std::thread reader([&] {
    while (!done.load()) {
      if (!set.directory().FindTenant("t1") || set.tenant_configs().Get("t1") == nullptr) misses.fetch_add(1);
      for (const shard::TenantRef& ref : set.directory().Tenants()) {
        if (ref.config == nullptr || !set.directory().FindChannel(ref, "c-" + ref.config->id)) misses.fetch_add(1);
      }
    }
  });
  for (int i = 2; i <= 40; ++i) {
    const config::TenantConfig& tenant = added.emplace_back(SmallTenant("t" + std::to_string(i)));
    const StatusOr<shard::TenantRef> ref = set.AddTenant(tenant, /*active=*/true, /*session_id_floor=*/1000);
    ASSERT_TRUE(ref.ok()) << ref.status().ToString();
    EXPECT_EQ(ref->config, &tenant);
    EXPECT_EQ(&set.directory().TenantOfShard(ref->shard, ref->tenant), &tenant);
  }
  done = true;
  reader.join();
  EXPECT_EQ(misses.load(), 0);
  EXPECT_EQ(set.directory().Tenants().size(), 40u);

  // An added tenant routes like a start-up one.
  const shard::TenantRef t7 = *set.directory().FindTenant("t7");
  ASSERT_NE(set.tenant_configs().Get("t7"), nullptr);
  shard::ShardSet::Producer producer(set);
  AgentCommand sign_in;
  sign_in.type = AgentCommandType::kSignIn;
  sign_in.tenant = t7.tenant;
  sign_in.target = 0;
  sign_in.correlation = 1;
  ASSERT_TRUE(set.SubmitCommand(producer, t7, sign_in).ok());
  AgentCommand ready = sign_in;
  ready.type = AgentCommandType::kReady;
  ready.correlation = 2;
  ASSERT_TRUE(set.SubmitCommand(producer, t7, ready).ok());
  events.WaitResults(2);
  auto contact = std::make_shared<Contact>();
  contact->tenant_id = "t7";
  contact->channel_id = "c-t7";
  contact->customer_id = "customer";
  ContactPtr one[] = {std::move(contact)};
  ASSERT_TRUE(set.SubmitContacts(producer, t7, *set.directory().FindChannel(t7, "c-t7"), one).ok());
  EXPECT_EQ(events.WaitAssigned("t7", 1), 1);

  set.RetireTenant("t7");
  EXPECT_FALSE(set.directory().FindTenant("t7"));
  EXPECT_TRUE(set.directory().Retired("t7"));
  EXPECT_EQ(set.directory().Tenants().size(), 39u);
  EXPECT_TRUE(set.directory().FindTenant("t8")) << "the others stay";
  set.Stop();
}

}  // namespace
}  // namespace routerd::testing
