// The lease loop (ClusterMember) against a real PostgreSQL: which instance
// takes which tenant, handover when an instance joins or stops, stepping down
// at the local deadline, taking a tenant afresh after a failed write, and the
// rendezvous rule itself. The daemon's side of a takeover is a host that
// reads the tenant's state through the lease (as the daemon does) and
// publishes it, so every epoch a member reports was really granted by the
// database.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/cluster/cluster_member.h"
#include "engine/cluster/tenant_ownership.h"
#include "engine/storage/storage.h"
#include "routerd/clock.h"
#include "tests/support/postgres_environment.h"

namespace routerd::cluster {
namespace {

using std::chrono::milliseconds;

config::Config TenantsConfig(int tenants, const std::string& url) {
  config::Config c;
  for (int i = 0; i < tenants; ++i) {
    config::TenantConfig t;
    t.id = "t" + std::to_string(i);
    c.tenants.push_back(t);
  }
  c.cluster.enabled = true;
  c.cluster.advertise_url = url;
  return c;
}

// Takes tenants over the way the daemon does, minus the router: the state is
// read through the lease (LoadTenant checks it), then published.
class PublishingHost final : public TenantHost {
 public:
  explicit PublishingHost(TenantOwnership& ownership, std::string instance)
      : ownership_(ownership), instance_(std::move(instance)) {}

  Status Activate(storage::ClusterSession& session, const storage::HeldLease& lease,
                  std::int64_t valid_until_ns) override {
    StatusOr<storage::OpenState> state = session.LoadTenant(instance_, lease);
    if (!state.ok()) return state.status();
    ownership_.Publish(lease.tenant_id, lease.epoch, valid_until_ns);
    std::lock_guard lock(mu_);
    ++activations_;
    return Status::Ok();
  }
  void Deactivate(const std::string& tenant_id, bool handover) override {
    ownership_.Withdraw(tenant_id);
    std::lock_guard lock(mu_);
    ++(handover ? handovers_ : drops_);
  }
  int activations() {
    std::lock_guard lock(mu_);
    return activations_;
  }
  int drops() {
    std::lock_guard lock(mu_);
    return drops_;
  }

 private:
  TenantOwnership& ownership_;
  const std::string instance_;
  std::mutex mu_;
  int activations_ = 0, handovers_ = 0, drops_ = 0;
};

// One instance: its view of ownership, its host, its member.
struct Node {
  Node(const std::string& id, int tenants, storage::ClusterStore& store, const Clock& clock, milliseconds lease)
      : config(TenantsConfig(tenants, "http://127.0.0.1:1/" + id)),
        ownership(config, clock),
        host(ownership, id) {
    ClusterMemberOptions o;
    o.instance_id = id;
    o.url = config.cluster.advertise_url;
    o.lease = lease;
    o.renew_interval = lease / 3;
    for (const auto& t : config.tenants) o.tenants.push_back(t.id);
    member = std::make_unique<ClusterMember>(o, store, ownership, host, clock);
  }
  config::Config config;
  TenantOwnership ownership;
  PublishingHost host;
  std::unique_ptr<ClusterMember> member;
};

class ClusterMemberTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StatusOr<std::string> url = ::routerd::testing::FreshDatabase("member");
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    storage::StorageOptions o;
    o.backend = "postgresql";
    o.url = *url;
    o.cluster_instance_id = "storage";
    auto opened = storage::OpenStorage(o, clock_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    storage_ = std::move(opened).value();
    ASSERT_NE(storage_->cluster(), nullptr);
  }

  // Polls `done` every 20 ms for at most `limit`; whether it became true.
  template <typename Fn>
  static bool Eventually(Fn done, milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      if (done()) return true;
      std::this_thread::sleep_for(milliseconds(20));
    }
    return done();
  }

  SystemClock clock_;
  std::unique_ptr<storage::Storage> storage_;
};

TEST_F(ClusterMemberTest, AloneItRoutesEveryTenantWhenStartReturns) {
  Node a("a", 4, *storage_->cluster(), clock_, milliseconds(3000));
  ASSERT_TRUE(a.member->Start().ok());
  EXPECT_EQ(a.ownership.owned(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(a.ownership.Epoch("t" + std::to_string(i)), 1u);
  a.member->Stop();
  EXPECT_EQ(a.ownership.owned(), 0u);
}

TEST_F(ClusterMemberTest, AJoiningInstanceTakesExactlyTheTenantsItWinsAndNoTenantHasTwoOwners) {
  constexpr int kTenants = 12;
  Node a("a", kTenants, *storage_->cluster(), clock_, milliseconds(3000));
  ASSERT_TRUE(a.member->Start().ok());
  Node b("b", kTenants, *storage_->cluster(), clock_, milliseconds(3000));
  std::atomic<bool> sampling{true};
  std::atomic<int> doubly_owned{0};
  std::thread sampler([&] {
    while (sampling) {
      for (int i = 0; i < kTenants; ++i) {
        const std::string t = "t" + std::to_string(i);
        if (a.ownership.RoutedHere(t) && b.ownership.RoutedHere(t)) ++doubly_owned;
      }
      std::this_thread::sleep_for(milliseconds(1));
    }
  });
  ASSERT_TRUE(b.member->Start().ok());
  std::set<std::string> want_a, want_b;
  for (int i = 0; i < kTenants; ++i) {
    const std::string t = "t" + std::to_string(i);
    (PreferredInstance(t, {"a", "b"}) == "a" ? want_a : want_b).insert(t);
  }
  ASSERT_FALSE(want_b.empty()) << "the rendezvous rule gives b nothing of 12 tenants";
  const bool settled = Eventually(
      [&] { return a.ownership.owned() == want_a.size() && b.ownership.owned() == want_b.size(); }, milliseconds(10000));
  sampling = false;
  sampler.join();
  ASSERT_TRUE(settled) << "a routes " << a.ownership.owned() << ", b " << b.ownership.owned();
  for (const std::string& t : want_a) EXPECT_TRUE(a.ownership.RoutedHere(t)) << t;
  for (const std::string& t : want_b) EXPECT_TRUE(b.ownership.RoutedHere(t)) << t;
  EXPECT_EQ(doubly_owned.load(), 0);
  // Only the tenants b wins moved: a never gave up one of its own.
  EXPECT_EQ(a.member->stats().handovers.load(), want_b.size());
  EXPECT_EQ(a.member->stats().lost.load(), 0u);
}

TEST_F(ClusterMemberTest, ACleanStopHandsEveryTenantOverBeforeItsLeasesCouldExpire) {
  constexpr int kTenants = 6;
  const milliseconds lease(3000);
  Node a("a", kTenants, *storage_->cluster(), clock_, lease);
  Node b("b", kTenants, *storage_->cluster(), clock_, lease);
  ASSERT_TRUE(a.member->Start().ok());
  ASSERT_TRUE(b.member->Start().ok());
  ASSERT_TRUE(Eventually([&] { return a.ownership.owned() + b.ownership.owned() == kTenants; }, milliseconds(10000)));
  ASSERT_GT(a.ownership.owned(), 0u);
  const auto stopped = std::chrono::steady_clock::now();
  a.member->Stop();
  // Taken over through the releases, not by expiry: well inside one lease.
  ASSERT_TRUE(Eventually([&] { return b.ownership.owned() == kTenants; }, lease - milliseconds(500)))
      << "b routes " << b.ownership.owned() << " of " << kTenants;
  const auto took = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - stopped);
  std::printf("clean handover of %d tenant(s): %lld ms\n", kTenants, static_cast<long long>(took.count()));
}

TEST_F(ClusterMemberTest, AnOwnerPastItsLocalDeadlineStopsAtOnceAndTakesItsTenantsAgainUnderNewEpochs) {
  ManualClock clock;
  const milliseconds lease(1000);
  Node a("a", 3, *storage_->cluster(), clock, lease);
  ASSERT_TRUE(a.member->Start().ok());
  ASSERT_EQ(a.ownership.owned(), 3u);
  // As if the process had been paused for a whole lease: renewals made before
  // cannot vouch for now.
  clock.Advance(std::chrono::nanoseconds(lease).count());
  EXPECT_EQ(a.ownership.owned(), 0u) << "routing must stop at the local deadline, before any round";
  ASSERT_TRUE(Eventually([&] { return a.member->stats().step_downs.load() == 3; }, milliseconds(2000)));
  // Its leases expire in the database; it takes them again, each a new epoch.
  ASSERT_TRUE(Eventually([&] { return a.ownership.owned() == 3u; }, milliseconds(10000)));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(a.ownership.Epoch("t" + std::to_string(i)), 2u);
}

TEST_F(ClusterMemberTest, AReclaimedTenantIsDroppedAndTakenAfreshUnderTheNextEpoch) {
  Node a("a", 2, *storage_->cluster(), clock_, milliseconds(3000));
  ASSERT_TRUE(a.member->Start().ok());
  ASSERT_EQ(a.ownership.Epoch("t0"), 1u);
  a.member->Reclaim("t0");
  ASSERT_TRUE(Eventually([&] { return a.ownership.Epoch("t0") == 2u; }, milliseconds(5000)))
      << "epoch " << a.ownership.Epoch("t0");
  EXPECT_EQ(a.ownership.Epoch("t1"), 1u) << "only the reclaimed tenant moves";
  EXPECT_EQ(a.host.drops(), 1);
  EXPECT_EQ(a.member->stats().reclaims.load(), 1u);
}

TEST(PreferredInstanceTest, EveryInstanceAgreesAndAJoinMovesTenantsOnlyToTheNewcomer) {
  const std::vector<std::string> two = {"a", "b"};
  const std::vector<std::string> two_reversed = {"b", "a"};
  const std::vector<std::string> three = {"a", "b", "c"};
  int moved_to_c = 0;
  for (int i = 0; i < 300; ++i) {
    const std::string t = "tenant-" + std::to_string(i);
    const std::string before = PreferredInstance(t, two);
    EXPECT_EQ(before, PreferredInstance(t, two_reversed)) << "the order of the live list must not matter";
    const std::string after = PreferredInstance(t, three);
    if (after != before) {
      EXPECT_EQ(after, "c") << t << " moved between old instances";
      ++moved_to_c;
    }
  }
  // About a third should move; far from none and far from all.
  EXPECT_GT(moved_to_c, 50);
  EXPECT_LT(moved_to_c, 150);
}

TEST(TenantOwnershipTest, ASingleNodeRoutesEveryTenantAndAClusterOnlyWhatItHoldsUntilItsDeadline) {
  ManualClock clock;
  config::Config single = TenantsConfig(1, "");
  single.cluster.enabled = false;
  TenantOwnership alone(single, clock);
  EXPECT_TRUE(alone.RoutedHere("t0"));
  EXPECT_EQ(alone.Epoch("t0"), 0u);

  config::Config clustered = TenantsConfig(2, "http://127.0.0.1:1");
  TenantOwnership o(clustered, clock);
  EXPECT_FALSE(o.RoutedHere("t0"));
  EXPECT_EQ(o.OwnerUrl("t0"), std::nullopt);
  o.Publish("t0", 7, clock.NowNs() + 1000);
  EXPECT_TRUE(o.RoutedHere("t0"));
  EXPECT_TRUE(o.HeldAt("t0", 7));
  EXPECT_FALSE(o.HeldAt("t0", 6));
  EXPECT_EQ(o.OwnerUrl("t0"), "http://127.0.0.1:1");
  o.SetOwnerUrls({{"t1", "http://127.0.0.1:2"}});
  EXPECT_EQ(o.OwnerUrl("t1"), "http://127.0.0.1:2");
  clock.Advance(1000);
  EXPECT_FALSE(o.RoutedHere("t0")) << "past the local deadline";
  o.ExtendHeld(clock.NowNs() + 1000);
  EXPECT_TRUE(o.RoutedHere("t0"));
  o.Withdraw("t0");
  EXPECT_FALSE(o.RoutedHere("t0"));
  EXPECT_EQ(o.owned(), 0u);
}

}  // namespace
}  // namespace routerd::cluster
