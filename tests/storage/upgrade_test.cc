// A data directory written by the previous release (schema version 2: one
// routerd.db, contacts updated in place with their session) is opened by this
// one and converted to the append-only journal, with nothing lost: the same
// open sessions, pending contacts, dedup keys and leave messages come back,
// with one partition or with several.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "engine/storage/sqlite/database.h"
#include "engine/storage/sqlite/sqlite_storage.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::storage {
namespace {

using testing::MakeContact;
using testing::OpenStorageOrDie;
using testing::TempDir;
using testing::WriteContacts;

// What the previous release wrote, row by row, in its own layout.
void WriteVersion2Database(const std::string& data_dir) {
  DatabaseOptions o;
  o.data_dir = data_dir;
  o.target_version_for_test = 2;
  StatusOr<std::unique_ptr<Database>> db = Database::Open(o);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_EQ((*db)->schema_version(), 2);
  Status s = (*db)->writer().Exec(R"sql(
    BEGIN;
    INSERT INTO contacts (seq, tenant_id, channel_kind, channel_id, customer_id, display_name, provider_message_id,
                          text, sent_at_ms, received_at_ms, accepted_at_ms, session_id, leave_message_id) VALUES
      (1, 't1', 'whatsapp', 'wa', 'A', 'Ann', 'a1', 'hello', 100, 101, 1000, 1, NULL),
      (2, 't1', 'whatsapp', 'wa', 'A', 'Ann', 'a2', 'photo', 110, 111, 1100, 1, NULL),
      (3, 't1', 'whatsapp', 'wa', 'B', 'Bob', 'b1', 'served', 120, 121, 1200, 2, NULL),
      (4, 't1', 'whatsapp', 'wa', 'C', 'Cid', 'c1', 'never routed', 130, 131, 1300, NULL, NULL),
      (5, 't1', 'whatsapp', 'wa', 'D', 'Dee', 'd1', 'waited too long', 140, 141, 1400, 3, 1),
      (6, 't2', 'web', 'w', 'E', 'Eve', 'e1', 'other tenant', 150, 151, 1350, 1, NULL),
      (7, 't1', 'whatsapp', 'wa', 'F', 'Fay', 'f1', 'session row pruned first', 90, 91, 900, 9, NULL);
    INSERT INTO contact_attachments (contact_seq, ordinal, type, reference, mime, size_bytes, name) VALUES
      (2, 0, 'image', 'media-1', 'image/png', 2048, 'shot.png'),
      (2, 1, 'location', 'geo:1,2', '', NULL, '');
    INSERT INTO sessions (tenant_id, session_id, channel_kind, channel_id, customer_id, queue_id, arrival_ms,
                          employee_id, assigned_at_ms, ended_at_ms, end_reason) VALUES
      ('t1', 1, 'whatsapp', 'wa', 'A', 'sales', 1000, 'E1', 1050, NULL, NULL),
      ('t1', 2, 'whatsapp', 'wa', 'B', 'sales', 1200, 'E2', 1250, 1300, 'closed'),
      ('t1', 3, 'whatsapp', 'wa', 'D', 'sales', 1400, NULL, NULL, 1500, 'leave_message'),
      ('t2', 1, 'web', 'w', 'E', 'support', 1350, NULL, NULL, NULL, NULL);
    INSERT INTO leave_messages (id, tenant_id, channel_kind, channel_id, customer_id, display_name, text,
                                attachment_ref, attachment_mime, attachment_sha256, skill_queue, reason, status,
                                created_at_ms, updated_at_ms) VALUES
      (1, 't1', 'whatsapp', 'wa', 'D', 'Dee', 'waited too long', '', '', '', 'sales', 'max_wait', 'to_be_allocated',
       1500, 1500);
    INSERT INTO leave_message_parts (message_id, ordinal, provider_message_id, sent_at_ms, text) VALUES
      (1, 0, 'd1', 140, 'waited too long');
    INSERT INTO leave_message_history (message_id, at_ms, actor, action, from_status, to_status, detail) VALUES
      (1, 1500, 'router', 'create', NULL, 'to_be_allocated', 'max_wait');
    COMMIT;
  )sql");
  ASSERT_TRUE(s.ok()) << s.ToString();
}

class UpgradeTest : public ::testing::TestWithParam<int> {};

INSTANTIATE_TEST_SUITE_P(Partitions, UpgradeTest, ::testing::Values(1, 4),
                         [](const ::testing::TestParamInfo<int>& info) { return std::to_string(info.param); });

TEST_P(UpgradeTest, AVersion2DataDirectoryComesBackWhole) {
  TempDir dir;
  WriteVersion2Database(dir.data_dir());
  ManualClock clock;
  auto storage = OpenStorageOrDie(dir.data_dir(), GetParam(), clock, {"t1", "t2", "t3"});
  ASSERT_NE(storage, nullptr);
  EXPECT_EQ(storage->partitions().ForTenant("t1").index, 0) << "tenants of the old file stay in it";
  EXPECT_EQ(storage->partitions().ForTenant("t2").index, 0);
  if (GetParam() > 1) {
    EXPECT_NE(storage->partitions().ForTenant("t3").index, 0) << "a new tenant goes elsewhere";
  }

  StatusOr<OpenState> state = storage->LoadOpenState();
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_EQ(state->sessions.size(), 2u);
  const RecoveredSession& s1 = state->sessions[0];
  EXPECT_EQ(s1.tenant_id, "t1");
  EXPECT_EQ(s1.session_id, 1u);
  EXPECT_EQ(s1.queue_id, "sales");
  EXPECT_EQ(s1.arrival_ms, 1000);
  EXPECT_EQ(s1.employee_id, std::optional<std::string>("E1"));
  ASSERT_EQ(s1.contacts.size(), 2u);
  EXPECT_EQ(s1.contacts[0]->provider_message_id, "a1");
  EXPECT_EQ(s1.contacts[1]->provider_message_id, "a2");
  ASSERT_EQ(s1.contacts[1]->attachments.size(), 2u);
  EXPECT_EQ(s1.contacts[1]->attachments[0].reference, "media-1");
  EXPECT_EQ(s1.contacts[1]->attachments[0].size_bytes, std::optional<std::uint64_t>(2048));
  EXPECT_EQ(s1.contacts[1]->attachments[1].type, "location");
  EXPECT_FALSE(s1.contacts[1]->attachments[1].size_bytes.has_value());
  EXPECT_EQ(state->sessions[1].tenant_id, "t2");
  EXPECT_FALSE(state->sessions[1].employee_id.has_value());

  ASSERT_EQ(state->pending_contacts.size(), 1u)
      << "d1 is kept in its leave message, b1 was served, f1 was routed (its session row was already pruned)";
  EXPECT_EQ(state->pending_contacts[0]->provider_message_id, "c1");
  EXPECT_EQ(state->dedup_keys, 7u);
  EXPECT_EQ(state->leave_messages, 1u);
  EXPECT_EQ(state->max_session_id.at("t1"), 3u);

  StatusOr<leave::StoredLeaveMessage> m = storage->leave_messages().Get("t1", 1);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->reason, "max_wait");
  // Keys stored by the old release are still durable dedup keys.
  auto retry = WriteContacts(*storage, {MakeContact("wa", "A", "a1", "hello"), MakeContact("wa", "A", "a3", "new")});
  ASSERT_TRUE(retry.status.ok());
  EXPECT_EQ(retry.outcome, (std::vector<ContactWrite>{ContactWrite::kDuplicate, ContactWrite::kInserted}));
}

TEST(UpgradeTest, AnUpgradeThatFailsLeavesTheOldDatabaseAsItWas) {
  TempDir dir;
  WriteVersion2Database(dir.data_dir());
  // A table the migration needs to create is in the way: the migration fails
  // inside its transaction, and the file stays at version 2 with its rows.
  {
    DatabaseOptions o;
    o.data_dir = dir.data_dir();
    o.target_version_for_test = 2;
    auto db = Database::Open(o);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->writer().Exec("CREATE TABLE session_events (x)").ok());
  }
  DatabaseOptions o;
  o.data_dir = dir.data_dir();
  StatusOr<std::unique_ptr<Database>> db = Database::Open(o);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.status().message().find("migration to schema version 3"), std::string::npos) << db.status().message();
  o.target_version_for_test = 2;
  auto old = Database::Open(o);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ((*old)->schema_version(), 2);
  EXPECT_EQ(testing::CountRows(**old, "SELECT COUNT(*) FROM contacts WHERE session_id IS NOT NULL"), 6);
}

}  // namespace
}  // namespace routerd::storage
