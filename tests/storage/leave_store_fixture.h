// The leave-message repository suite's fixture, shared by the files that
// hold its tests: every test runs on every backend (storage_backends.h),
// SQLite with one partition and with four, PostgreSQL with one writer and with
// four, through Storage and leave::LeaveRepository only.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/storage/storage.h"
#include "tests/storage/storage_backends.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::storage::leave_store_testing {

using leave::Actor;
using leave::LeaveAction;
using leave::LeaveAudit;
using leave::LeaveHistoryEntry;
using leave::LeavePage;
using leave::LeaveQuery;
using leave::LeaveStatus;
using leave::StoredLeaveMessage;
using leave::VoiceMessage;
using testing::AllBackends;
using testing::BackendLocation;
using testing::BackendParam;
using testing::BackendTestName;
using testing::MakeContact;
using testing::ReadAll;
using testing::TempDir;

inline constexpr std::int64_t kT0 = 1'700'000'000'000;  // ManualClock's default wall time
inline const Actor kAdmin{"admin-1", ""};
inline const Actor kRouter{"router", ""};
inline const std::vector<std::string> kTenants{"t1", "t2", "tenant-a", "tenant-b"};

inline std::vector<std::int64_t> Ids(const LeavePage& page) {
  std::vector<std::int64_t> ids;
  for (const StoredLeaveMessage& m : page.items) ids.push_back(m.id);
  return ids;
}

inline leave::LeaveMessage Web(std::string tenant, std::string customer, std::int64_t created_at_ms,
                        std::string channel_kind = "web", std::string queue = "q1") {
  leave::LeaveMessage m;
  m.tenant_id = std::move(tenant);
  m.channel_kind = std::move(channel_kind);
  m.channel_id = m.channel_kind + "-1";
  m.customer_id = std::move(customer);
  m.display_name = "Visitor";
  m.skill_queue = std::move(queue);
  m.reason = "customer";
  m.created_at_ms = created_at_ms;
  m.messages = {MakeContact(m.channel_id, m.customer_id, "p" + std::to_string(created_at_ms), "please call me",
                            created_at_ms - 10, m.tenant_id, m.channel_kind)};
  return m;
}

// Every test runs on every backend (AllBackends): SQLite with one partition
// and with four (tenants spread over them), PostgreSQL with one writer and
// with four.
class LeaveMessageStoreTest : public ::testing::TestWithParam<BackendParam> {
 protected:
  void SetUp() override { Open(); }
  void TearDown() override { Close(); }

  StorageOptions Options() { return where_.Options(kTenants); }
  void Open() { OpenWith(Options()); }
  void OpenWith(const StorageOptions& options) {
    storage_ = BackendLocation::OpenWith(options, clock_);
    ASSERT_NE(storage_, nullptr);
    store_ = &storage_->leave_messages();
  }
  void Close() {
    store_ = nullptr;
    storage_.reset();
  }

  // Replaces the stored audio of voice message `m` with `bytes` (plain ASCII),
  // behind the store's back: SQLite's file under the data directory,
  // PostgreSQL's row in leave_voice_files.
  void TamperWithVoice(const StoredLeaveMessage& m, const std::string& bytes) {
    if (where_.postgresql()) {
      StatusOr<std::string> out = where_.Psql("UPDATE leave_voice_files SET bytes = '" + bytes +
                                              "'::bytea WHERE message_id = " + std::to_string(m.id) +
                                              " RETURNING message_id");
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      ASSERT_EQ(*out, std::to_string(m.id)) << "one row altered";
    } else {
      const std::string path = VoiceFile(m);
      ASSERT_TRUE(std::filesystem::exists(path)) << path;
      std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
      ASSERT_EQ(ReadAll(path), bytes);
    }
  }
  // Removes the stored audio of voice message `m`.
  void DeleteVoice(const StoredLeaveMessage& m) {
    if (where_.postgresql()) {
      StatusOr<std::string> out = where_.Psql("DELETE FROM leave_voice_files WHERE message_id = " +
                                              std::to_string(m.id) + " RETURNING message_id");
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      ASSERT_EQ(*out, std::to_string(m.id)) << "one row removed";
    } else {
      ASSERT_TRUE(std::filesystem::remove(VoiceFile(m))) << VoiceFile(m);
    }
  }
  // SQLite: voice/<id>.<ext> under the data directory (SqliteLeaveStore::AttachmentPath).
  std::string VoiceFile(const StoredLeaveMessage& m) { return where_.data_dir() + "/" + m.attachment_ref; }

  std::int64_t Create(leave::LeaveMessage m) {
    StatusOr<StoredLeaveMessage> r = store_->Create(std::move(m), kRouter);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : -1;
  }

  // A new message of tenant t1 brought to `target` through the allowed transitions.
  std::int64_t BringTo(LeaveStatus target) {
    std::int64_t id = Create(Web("t1", "555", kT0));
    auto ok = [](const StatusOr<StoredLeaveMessage>& r) { EXPECT_TRUE(r.ok()) << r.status().ToString(); };
    switch (target) {
      case LeaveStatus::kToBeAllocated:
        break;
      case LeaveStatus::kAllocationFailed:
        ok(store_->MarkAllocationFailed("t1", id, kRouter));
        break;
      case LeaveStatus::kProcessed:
      case LeaveStatus::kProcessing:
      case LeaveStatus::kUnprocessed:
        ok(store_->Allocate("t1", id, "E1", "acct-e1", kAdmin));
        if (target == LeaveStatus::kUnprocessed) break;
        ok(store_->Process("t1", id, kAdmin));
        if (target == LeaveStatus::kProcessing) break;
        ok(store_->SubmitHandling("t1", id, "done", kAdmin));
        break;
    }
    return id;
  }

  StoredLeaveMessage GetOrDie(const std::string& tenant, std::int64_t id) {
    StatusOr<StoredLeaveMessage> m = store_->Get(tenant, id);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? std::move(m).value() : StoredLeaveMessage{};
  }

  std::vector<LeaveHistoryEntry> HistoryOrDie(const std::string& tenant, std::int64_t id) {
    auto h = store_->History(tenant, id);
    EXPECT_TRUE(h.ok()) << h.status().ToString();
    return h.ok() ? std::move(h).value() : std::vector<LeaveHistoryEntry>{};
  }

  LeavePage QueryOrDie(const std::string& tenant, const LeaveQuery& q) {
    StatusOr<LeavePage> page = store_->Query(tenant, q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? std::move(page).value() : LeavePage{};
  }

  BackendLocation where_{GetParam()};
  ManualClock clock_;
  std::unique_ptr<Storage> storage_;
  leave::LeaveRepository* store_ = nullptr;
};

}  // namespace routerd::storage::leave_store_testing
