// Cluster mode on PostgreSQL: the tenant leases (claim, renew, release,
// expiry by the database's clock, fencing epochs), the live instances, the
// NOTIFY channels, and the schema migration that adds them. Each test has a
// database of its own on the private test server.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/storage/cluster_store.h"
#include "engine/storage/storage.h"
#include "tests/storage/cluster_test_util.h"
#include "tests/storage/storage_backends.h"

namespace routerd::storage {
namespace {

using testing::BackendLocation;
using testing::BackendParam;
using testing::ClaimOrFail;
using testing::kLongLease;
using testing::kShortLease;
using testing::WaitUntilExpired;

class PgClusterLeaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage_ = testing::OpenInstance(where_, clock_, "a");
    ASSERT_NE(storage_, nullptr);
    a_ = testing::Connect(*storage_);
    b_ = testing::Connect(*storage_);
    ASSERT_NE(a_, nullptr);
    ASSERT_NE(b_, nullptr);
  }

  std::optional<TenantLease> LeaseOf(const std::string& tenant) {
    StatusOr<std::vector<TenantLease>> leases = a_->Leases();
    EXPECT_TRUE(leases.ok()) << leases.status().ToString();
    if (!leases.ok()) return std::nullopt;
    for (const TenantLease& l : *leases) {
      if (l.tenant_id == tenant) return l;
    }
    return std::nullopt;
  }

  BackendLocation where_{BackendParam{"postgresql", 1}};
  ManualClock clock_;
  std::unique_ptr<Storage> storage_;
  // Sessions of instances "a" and "b" (the instance is a parameter of each call).
  std::unique_ptr<ClusterSession> a_, b_;
};

TEST_F(PgClusterLeaseTest, AFirstClaimGetsEpochOneAndNobodyElseCanClaimALiveLease) {
  EXPECT_EQ(ClaimOrFail(*a_, "a", "t1"), 1u);
  StatusOr<std::optional<std::uint64_t>> other = b_->Claim("b", "t1", kLongLease);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_FALSE(other->has_value()) << "b took a live lease of a";
  StatusOr<std::optional<std::uint64_t>> again = a_->Claim("a", "t1", kLongLease);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value()) << "a live lease is not claimed again, not even by its owner";

  std::optional<TenantLease> l = LeaseOf("t1");
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->owner, "a");
  EXPECT_EQ(l->epoch, 1u);
  EXPECT_FALSE(l->expired);
  EXPECT_EQ(ClaimOrFail(*b_, "b", "t2"), 1u) << "each tenant has its own lease";
}

TEST_F(PgClusterLeaseTest, AnExpiredLeaseGoesToTheNextClaimWithTheNextEpochAndItsOldOwnerCannotRenewIt) {
  ASSERT_EQ(ClaimOrFail(*a_, "a", "t1", kShortLease), 1u);
  ASSERT_TRUE(WaitUntilExpired(*a_, "t1")) << "the lease did not expire by the database's clock";
  EXPECT_EQ(ClaimOrFail(*b_, "b", "t1"), 2u);

  StatusOr<std::vector<HeldLease>> renewed = a_->Renew("a", {HeldLease{"t1", 1}}, kLongLease);
  ASSERT_TRUE(renewed.ok()) << renewed.status().ToString();
  EXPECT_TRUE(renewed->empty()) << "a renewed a lease b holds";
  std::optional<TenantLease> l = LeaseOf("t1");
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->owner, "b");
  EXPECT_EQ(l->epoch, 2u);
}

TEST_F(PgClusterLeaseTest, RenewExtendsOnlyTheLeasesStillHeldAtTheirEpochs) {
  ASSERT_EQ(ClaimOrFail(*a_, "a", "t1", kShortLease), 1u);
  ASSERT_EQ(ClaimOrFail(*a_, "a", "t2", kShortLease), 1u);
  ASSERT_EQ(ClaimOrFail(*b_, "b", "t3"), 1u);
  StatusOr<std::vector<HeldLease>> renewed = a_->Renew(
      "a", {HeldLease{"t2", 1}, HeldLease{"t1", 1}, HeldLease{"t3", 1}, HeldLease{"t4", 1}}, kLongLease);
  ASSERT_TRUE(renewed.ok()) << renewed.status().ToString();
  ASSERT_EQ(renewed->size(), 2u) << "t3 is b's, t4 has no lease";
  EXPECT_EQ((*renewed)[0].tenant_id, "t1");
  EXPECT_EQ((*renewed)[1].tenant_id, "t2");
  EXPECT_EQ((*renewed)[0].epoch, 1u);

  StatusOr<std::vector<HeldLease>> wrong_epoch = a_->Renew("a", {HeldLease{"t1", 2}}, kLongLease);
  ASSERT_TRUE(wrong_epoch.ok());
  EXPECT_TRUE(wrong_epoch->empty());
  StatusOr<std::vector<HeldLease>> none = a_->Renew("a", {}, kLongLease);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  // Renewed for a minute: past the short lease it is still live.
  std::this_thread::sleep_for(2 * kShortLease);
  StatusOr<std::optional<std::uint64_t>> taken = b_->Claim("b", "t1", kLongLease);
  ASSERT_TRUE(taken.ok());
  EXPECT_FALSE(taken->has_value()) << "the renewed lease was taken";
  std::optional<TenantLease> l = LeaseOf("t1");
  ASSERT_TRUE(l.has_value());
  EXPECT_FALSE(l->expired);
}

TEST_F(PgClusterLeaseTest, ReleaseFreesOnlyItsOwnLeaseAtItsEpochAndNotifies) {
  ASSERT_EQ(ClaimOrFail(*a_, "a", "t1"), 1u);
  ASSERT_TRUE(b_->Listen(kLeasesChannel).ok());

  ASSERT_TRUE(b_->Release("b", HeldLease{"t1", 1}).ok());  // not b's: nothing happens
  ASSERT_TRUE(a_->Release("a", HeldLease{"t1", 2}).ok());  // not this epoch: nothing happens
  std::optional<TenantLease> kept = LeaseOf("t1");
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->owner, "a");
  EXPECT_FALSE(kept->expired);
  StatusOr<std::vector<ClusterNotification>> quiet = b_->Wait(std::chrono::milliseconds(100));
  ASSERT_TRUE(quiet.ok()) << quiet.status().ToString();
  EXPECT_TRUE(quiet->empty()) << "a release that released nothing notified";

  ASSERT_TRUE(a_->Release("a", HeldLease{"t1", 1}).ok());
  std::optional<TenantLease> released = LeaseOf("t1");
  ASSERT_TRUE(released.has_value());
  EXPECT_EQ(released->owner, "");
  EXPECT_EQ(released->epoch, 1u);
  StatusOr<std::vector<ClusterNotification>> got = b_->Wait(std::chrono::seconds(10));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].channel, kLeasesChannel);
  EXPECT_EQ((*got)[0].payload, "t1");
  EXPECT_EQ(ClaimOrFail(*b_, "b", "t1"), 2u) << "a released lease is claimed at once, with the next epoch";
}

TEST_F(PgClusterLeaseTest, LiveInstancesAreThoseNotLeavingWithARecentHeartbeatByTheDatabasesClock) {
  ASSERT_TRUE(a_->Heartbeat("a", "http://a:8080", false).ok());
  ASSERT_TRUE(a_->Heartbeat("b", "http://b:8080", false).ok());
  ASSERT_TRUE(a_->Heartbeat("c", "http://c:8080", false).ok());
  ASSERT_TRUE(a_->Heartbeat("c", "http://c:8080", true).ok());  // c shuts down cleanly
  ASSERT_TRUE(where_.Psql("UPDATE cluster_instances SET heartbeat_at = now() - interval '1 hour'"
                          " WHERE instance_id = 'b'").ok());

  StatusOr<std::vector<ClusterInstance>> live = b_->LiveInstances(kLongLease);
  ASSERT_TRUE(live.ok()) << live.status().ToString();
  ASSERT_EQ(live->size(), 1u);
  EXPECT_EQ((*live)[0].id, "a");
  EXPECT_EQ((*live)[0].url, "http://a:8080");

  ASSERT_TRUE(b_->Heartbeat("b", "http://b2:8080", false).ok());
  ASSERT_TRUE(b_->Heartbeat("c", "http://c:8080", false).ok());  // c is back
  live = b_->LiveInstances(kLongLease);
  ASSERT_TRUE(live.ok());
  ASSERT_EQ(live->size(), 3u);
  EXPECT_EQ((*live)[1].id, "b");
  EXPECT_EQ((*live)[1].url, "http://b2:8080");
  EXPECT_EQ((*live)[2].id, "c");
}

TEST_F(PgClusterLeaseTest, WaitTimesOutEmptyAndReceivesAMembershipAnnouncement) {
  ASSERT_TRUE(b_->Listen(kLeasesChannel).ok());
  StatusOr<std::vector<ClusterNotification>> none = b_->Wait(std::chrono::milliseconds(200));
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());

  ASSERT_TRUE(a_->AnnounceMembership().ok());
  StatusOr<std::vector<ClusterNotification>> got = b_->Wait(std::chrono::seconds(10));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].channel, kLeasesChannel);
  EXPECT_EQ((*got)[0].payload, "");
}

TEST_F(PgClusterLeaseTest, WaitIsUnavailableWhenItsConnectionBreaks) {
  ASSERT_TRUE(b_->Listen(kInboxChannel).ok());
  ASSERT_TRUE(where_.Psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                          " WHERE datname = current_database() AND pid <> pg_backend_pid()").ok());
  StatusOr<std::vector<ClusterNotification>> got = b_->Wait(std::chrono::seconds(10));
  ASSERT_FALSE(got.ok()) << "Wait did not notice its connection was gone";
  EXPECT_EQ(got.status().code(), StatusCode::kUnavailable) << got.status().ToString();
}

TEST(PgClusterSchemaTest, AVersion1DatabaseIsMigratedToTheLatestVersionKeepingItsRows) {
  BackendLocation where{BackendParam{"postgresql", 1}};
  ManualClock clock;
  {
    auto storage = where.Open(clock);
    ASSERT_NE(storage, nullptr);
    ASSERT_TRUE(testing::WriteContacts(*storage, {testing::MakeContact("wa1", "A", "m1", "kept")}).status.ok());
  }
  // Back to what version 1 wrote.
  ASSERT_TRUE(where.Psql("DROP TABLE cluster_instances, tenant_leases, contact_inbox, definitions;"
                         " DROP INDEX contacts_by_tenant, session_events_traces;"
                         " DELETE FROM routerd_schema WHERE version >= 2").ok());
  auto storage = testing::OpenInstance(where, clock, "a");
  ASSERT_NE(storage, nullptr);
  StatusOr<std::string> version =
      where.Psql("SELECT string_agg(version::text, ',' ORDER BY version) FROM routerd_schema");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, "1,2,3,4,5");
  StatusOr<std::string> kept = where.Psql("SELECT string_agg(provider_message_id, ',') FROM contacts");
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(*kept, "m1");
  auto session = testing::Connect(*storage);
  ASSERT_NE(session, nullptr);
  EXPECT_EQ(ClaimOrFail(*session, "a", "t1"), 1u);
  StatusOr<std::string> indexed =
      where.Psql("SELECT count(*) FROM pg_indexes WHERE indexname IN"
                 " ('contacts_by_tenant', 'contact_inbox_by_tenant', 'session_events_traces')");
  ASSERT_TRUE(indexed.ok());
  EXPECT_EQ(*indexed, "3");
}

}  // namespace
}  // namespace routerd::storage
