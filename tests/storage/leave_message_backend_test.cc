// How each backend keeps leave messages where that differs: SQLite's voice
// files and writer threads, two PostgreSQL instances on one database.
#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "engine/storage/sqlite/sqlite_leave_store.h"
#include "engine/storage/sqlite/sqlite_storage.h"
#include "tests/storage/leave_store_fixture.h"

namespace routerd::storage::leave_store_testing {
namespace {

// SQLite only: how it keeps voice files and runs completions.
class LeaveMessageStoreSqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StorageOptions o;
    o.data_dir = dir_.data_dir();
    o.partitions = 4;
    o.prune_interval_ms = 0;
    o.tenants = kTenants;
    StatusOr<std::unique_ptr<SqliteStorage>> s = SqliteStorage::Open(o, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    storage_ = std::move(s).value();
    ASSERT_TRUE(storage_->Start().ok());
    store_ = static_cast<SqliteLeaveStore*>(&storage_->leave_messages());
  }

  TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<SqliteStorage> storage_;
  SqliteLeaveStore* store_ = nullptr;
};

TEST_F(LeaveMessageStoreSqliteTest, VoiceFilesLiveUnderTheDataDirectory) {
  VoiceMessage v;
  v.tenant_id = "t2";
  v.contact_number = "+8613800000000";
  v.audio = "abc";
  v.mime = "audio/mpeg";
  StatusOr<StoredLeaveMessage> created = store_->CreateVoice(v, Actor{"ivr", ""});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const std::string path = store_->AttachmentPath(*created);
  EXPECT_EQ(path, dir_.data_dir() + "/voice/" + std::to_string(created->id) + ".mp3");
  EXPECT_EQ(ReadAll(path), "abc");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  StatusOr<StoredLeaveMessage> web = store_->Create(Web("t2", "1", kT0), kRouter);
  ASSERT_TRUE(web.ok()) << web.status().ToString();
  EXPECT_EQ(store_->AttachmentPath(*web), "");
}

TEST_F(LeaveMessageStoreSqliteTest, CompletionsRunOnTheTenantsWriterThread) {
  for (const std::string tenant : {"t1", "t2"}) {
    SCOPED_TRACE(tenant);
    JournalWriter& writer = *storage_->partitions().ForTenant(tenant).writer;
    std::promise<bool> on_writer;
    ASSERT_TRUE(store_->CreateAsync(Web(tenant, "1", kT0), kRouter, [&](StatusOr<StoredLeaveMessage> r) {
      on_writer.set_value(r.ok() && writer.OnWriterThread());
    }).ok());
    EXPECT_TRUE(on_writer.get_future().get()) << "stored, and completed on the tenant's writer thread";
  }
}

// PostgreSQL only: two routerd instances on one database; the status check in
// the write holds across them.
class LeaveMessageStorePostgresTest : public ::testing::Test {
 protected:
  BackendLocation where_{BackendParam{"postgresql", 2}};
  ManualClock clock_;
};

TEST_F(LeaveMessageStorePostgresTest, TwoInstancesRacingOnOneMessageExactlyOneWins) {
  std::unique_ptr<Storage> first = where_.Open(clock_, kTenants);
  ASSERT_NE(first, nullptr);
  std::unique_ptr<Storage> second = where_.Open(clock_, kTenants);
  ASSERT_NE(second, nullptr);
  for (int round = 0; round < 20; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    StatusOr<StoredLeaveMessage> created = first->leave_messages().Create(Web("t1", "555", kT0), kRouter);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    const std::int64_t id = created->id;
    ASSERT_TRUE(second->leave_messages().Allocate("t1", id, "E1", "a1", kAdmin).ok()) << "seen by the other";
    std::promise<StatusOr<StoredLeaveMessage>> a, b;
    ASSERT_TRUE(first->leave_messages()
                    .ProcessAsync("t1", id, Actor{"x", ""},
                                  [&](StatusOr<StoredLeaveMessage> r) { a.set_value(std::move(r)); })
                    .ok());
    ASSERT_TRUE(second->leave_messages()
                    .ProcessAsync("t1", id, Actor{"y", ""},
                                  [&](StatusOr<StoredLeaveMessage> r) { b.set_value(std::move(r)); })
                    .ok());
    StatusOr<StoredLeaveMessage> ra = a.get_future().get();
    StatusOr<StoredLeaveMessage> rb = b.get_future().get();
    ASSERT_NE(ra.ok(), rb.ok()) << ra.status().ToString() << " / " << rb.status().ToString();
    const StatusOr<StoredLeaveMessage>& lost = ra.ok() ? rb : ra;
    EXPECT_EQ(lost.status().code(), StatusCode::kFailedPrecondition) << lost.status().ToString();
    EXPECT_NE(lost.status().message().find("\"processing\""), std::string::npos) << lost.status().ToString();
    StatusOr<std::vector<LeaveHistoryEntry>> h = first->leave_messages().History("t1", id);
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    ASSERT_EQ(h->size(), 3u) << "create, allocate, one process";
    EXPECT_EQ((*h)[2].actor, ra.ok() ? "x" : "y") << "the winner's process is the one recorded";
  }
}

}  // namespace
}  // namespace routerd::storage::leave_store_testing
