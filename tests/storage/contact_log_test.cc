// The contact log (schema 9): a writer batch's contacts in one row, decoded
// back whole; and a data directory written with the contacts table of
// schema 8 opened by this build, with its contacts, dedup keys, open sessions
// and pending contacts intact, through schema 9 (contact_keys, the layout of
// the release before) and 10 (the keys only in the log).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/storage/journal_model.h"
#include "engine/storage/sqlite/contact_log.h"
#include "engine/storage/sqlite/database.h"
#include "engine/storage/sqlite/journal_reader.h"
#include "engine/storage/sqlite/schema.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::storage {
namespace {

using testing::CountRows;
using testing::MakeContact;
using testing::OpenStorageOrDie;
using testing::TempDir;
using testing::WriteContacts;

std::vector<LoggedContact> Decode(std::string_view bytes, Status* status = nullptr) {
  std::vector<LoggedContact> out;
  Status s = ForEachLoggedContact(bytes, [&](const LoggedContact& c) {
    out.push_back(c);
    return Status::Ok();
  });
  if (status != nullptr) *status = s;
  EXPECT_TRUE(status != nullptr || s.ok()) << s.ToString();
  return out;
}

TEST(ContactLogTest, ARowGivesBackEveryContactWithItsGroupInOrder) {
  Contact a = *MakeContact("ignored", "cust-a", "m1", "hello\nthere", -5);
  a.display_name = "Ana";
  a.phone = "+34600111222";
  a.received_at_ms = 1'700'000'000'123;
  Contact b = *MakeContact("ignored", "cust-b", "", std::string("\0\xff binary", 9));
  a.attachments = {{"image", "media-1", "image/png", 2048, "a.png"}};
  ContactLogBuilder row;
  row.BeginGroup("t1", "whatsapp", "wa-1");
  row.Add(a);
  row.BeginGroup("t2", "line", "line-1");
  row.Add(b);
  EXPECT_EQ(row.contacts(), 2u);

  std::vector<LoggedContact> got = Decode(row.bytes());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].tenant_id, "t1");
  EXPECT_EQ(got[0].channel_kind, "whatsapp");
  EXPECT_EQ(got[0].channel_id, "wa-1") << "the group's channel, not the contact's";
  EXPECT_EQ(got[0].provider_message_id, "m1");
  EXPECT_EQ(got[0].text, "hello\nthere");
  EXPECT_EQ(got[0].sent_at_ms, -5);
  EXPECT_EQ(got[0].received_at_ms, 1'700'000'000'123);
  EXPECT_EQ(got[1].tenant_id, "t2");
  EXPECT_EQ(got[1].channel_id, "line-1");
  EXPECT_EQ(got[1].provider_message_id, "");
  EXPECT_EQ(got[1].text, std::string("\0\xff binary", 9)) << "bytes as they came";

  StatusOr<ContactPtr> c = ToContact(got[0]);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ((*c)->display_name, "Ana");
  EXPECT_EQ((*c)->phone, "+34600111222");
  ASSERT_EQ((*c)->attachments.size(), 1u);
  EXPECT_EQ((*c)->attachments[0].reference, "media-1");
  EXPECT_EQ((*c)->attachments[0].size_bytes, std::optional<std::uint64_t>(2048));
}

TEST(ContactLogTest, TruncatingToAMarkForgetsWhatCameAfterIt) {
  ContactLogBuilder row;
  row.BeginGroup("t1", "whatsapp", "wa-1");
  row.Add(*MakeContact("wa-1", "c", "kept", "x"));
  const ContactLogBuilder::Mark mark = row.mark();
  row.BeginGroup("t1", "line", "line-1");
  row.Add(*MakeContact("line-1", "c", "undone", "y"));
  row.truncate(mark);
  row.Add(*MakeContact("wa-1", "c", "after", "z"));
  std::vector<LoggedContact> got = Decode(row.bytes());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].provider_message_id, "kept");
  EXPECT_EQ(got[1].provider_message_id, "after");
  EXPECT_EQ(got[1].channel_id, "wa-1") << "back in the group the mark was taken in";
}

// SQLite keeps a BLOB whole or reports corruption itself; this is what the
// decoder does with bytes it did not write.
TEST(ContactLogTest, ACutOrForeignRowIsDataLossNotAGuess) {
  ContactLogBuilder row;
  row.BeginGroup("t1", "whatsapp", "wa-1");
  row.Add(*MakeContact("wa-1", "c", "m1", "some text"));
  const std::string bytes(row.bytes());
  int refused = 0;
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    Status s;
    std::vector<LoggedContact> got = Decode(std::string_view(bytes).substr(0, cut), &s);
    if (s.ok()) {
      EXPECT_TRUE(got.empty()) << "cut at " << cut << " between items: nothing half-read";
    } else {
      EXPECT_EQ(s.code(), StatusCode::kDataLoss) << "cut at " << cut;
      ++refused;
    }
  }
  EXPECT_GE(refused, static_cast<int>(bytes.size()) - 3) << "only the cuts between items decode";
  Status s;
  Decode(std::string("\x02") + bytes.substr(1), &s);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("unknown format"), std::string::npos) << s.message();
}

// What the release before wrote (schema 8): contacts one row each, keyed and
// not, in two channels sharing a message id; session 1 holds m1; m2 and the
// other channel's m1 are pending; m3 was kept in a leave message.
void WriteVersion8Database(const std::string& data_dir) {
  DatabaseOptions o;
  o.data_dir = data_dir;
  o.target_version_for_test = 8;
  StatusOr<std::unique_ptr<Database>> db = Database::Open(o);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  Status s = (*db)->writer().Exec(R"sql(
    BEGIN;
    INSERT INTO tenants (tenant_id, recorded_at_ms) VALUES ('t1', 1);
    INSERT INTO contacts (accepted_at_ms, tenant_id, channel_kind, channel_id, customer_id, display_name,
                          provider_message_id, text, sent_at_ms, received_at_ms, attachments, phone) VALUES
      (100, 't1', 'whatsapp', 'wa', 'cust-1', 'Ana', 'm1', 'first', 10, 11, '5:image7:media-19:image/png4:20485:a.png', '+34600111222'),
      (100, 't1', 'whatsapp', 'wa', 'cust-1', 'Ana', 'm2', 'second', 12, 13, NULL, NULL),
      (200, 't1', 'web', 'web', 'visitor', '', NULL, 'no id', 14, 15, NULL, NULL),
      (300, 't1', 'line', 'line', 'u1', 'Bo', 'm1', 'same id, other channel', 16, 17, NULL, NULL),
      (300, 't1', 'whatsapp', 'wa', 'cust-2', '', 'm3', 'kept', 18, 19, NULL, NULL);
    INSERT INTO session_events (at_ms, tenant_id, session_id, kind, channel_id, provider_message_id, queue_id,
                                employee_id, channel_kind, customer_id, arrival_ms, detail) VALUES
      (150, 't1', 1, 1, 'wa', 'm1', 'sales', NULL, 'whatsapp', 'cust-1', 10, NULL),
      (350, 't1', 0, 6, 'wa', 'm3', NULL, NULL, NULL, NULL, NULL, '7');
    COMMIT;
  )sql");
  ASSERT_TRUE(s.ok()) << s.ToString();
}

TEST(ContactLogTest, ASchema8DataDirectoryMovesIntoTheLogWithNothingLost) {
  TempDir dir;
  WriteVersion8Database(dir.data_dir());
  ManualClock clock;
  auto storage = OpenStorageOrDie(dir.data_dir(), 1, clock, {"t1"});
  ASSERT_NE(storage, nullptr);
  Database& db = *storage->partitions().at(0).db;
  EXPECT_EQ(db.schema_version(), kSchemaVersion);
  EXPECT_EQ(CountRows(db, "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('contacts', 'contact_keys')"), 0)
      << "the tables are gone";
  EXPECT_EQ(CountRows(db, "SELECT COUNT(*) FROM contact_log"), 1) << "five contacts fit one row";
  EXPECT_EQ(CountRows(db, "SELECT MAX(accepted_at_ms) FROM contact_log"), 300) << "the newest contact's stamp";
  EXPECT_EQ(CountRows(db, "SELECT COUNT(*) FROM contacts"), 5);
  {
    StatusOr<std::unique_ptr<ReadConnection>> rc = db.OpenReader();
    ASSERT_TRUE(rc.ok());
    ASSERT_TRUE(testing::MaterializeContacts((*rc)->conn()).ok());
    EXPECT_EQ(*(*rc)->conn().QueryText("SELECT group_concat(text, '|') FROM (SELECT text FROM contacts ORDER BY seq)"),
              "first|second|no id|same id, other channel|kept")
        << "in their old order";
    EXPECT_EQ(*(*rc)->conn().QueryText("SELECT group_concat(channel_kind || '/' || channel_id || '/' || customer_id"
                                       " || '/' || display_name || '/' || sent_at_ms || '/' || received_at_ms, '|')"
                                       " FROM (SELECT * FROM contacts ORDER BY seq)"),
              "whatsapp/wa/cust-1/Ana/10/11|whatsapp/wa/cust-1/Ana/12/13|web/web/visitor//14/15|line/line/u1/Bo/16/17|"
              "whatsapp/wa/cust-2//18/19");
  }

  StatusOr<OpenState> state = storage->LoadOpenState();
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_EQ(state->sessions.size(), 1u);
  ASSERT_EQ(state->sessions[0].contacts.size(), 1u);
  const Contact& m1 = *state->sessions[0].contacts[0];
  EXPECT_EQ(m1.text, "first");
  EXPECT_EQ(m1.phone, "+34600111222");
  ASSERT_EQ(m1.attachments.size(), 1u);
  EXPECT_EQ(m1.attachments[0].reference, "media-1");
  EXPECT_EQ(m1.attachments[0].size_bytes, std::optional<std::uint64_t>(2048));
  std::vector<std::string> pending;
  for (const ContactPtr& c : state->pending_contacts) pending.push_back(c->channel_id + "/" + c->provider_message_id);
  EXPECT_EQ(pending, (std::vector<std::string>{"wa/m2", "line/m1"})) << "not routed, not kept; in log order";
  EXPECT_EQ(state->dedup_keys, 4u);

  // The keys still deduplicate: retries are duplicates, a new id is new.
  auto retry = WriteContacts(*storage, {MakeContact("wa", "cust-1", "m1", "first", 10, "t1"),
                                        MakeContact("wa", "cust-1", "m4", "fourth", 20, "t1"),
                                        MakeContact("wa", "cust-1", "m4", "fourth again", 20, "t1")});
  ASSERT_TRUE(retry.status.ok()) << retry.status.ToString();
  EXPECT_EQ(retry.outcome, (std::vector<ContactWrite>{ContactWrite::kDuplicate, ContactWrite::kInserted,
                                                      ContactWrite::kDuplicate}));
  auto other_channel = WriteContacts(*storage, {MakeContact("line", "u1", "m1", "again", 16, "t1", "line")});
  EXPECT_EQ(other_channel.outcome, (std::vector<ContactWrite>{ContactWrite::kDuplicate}));
  storage->Stop();

  // And once more after a restart, now that the log has two rows.
  auto reopened = OpenStorageOrDie(dir.data_dir(), 1, clock, {"t1"});
  ASSERT_NE(reopened, nullptr);
  auto after = WriteContacts(*reopened, {MakeContact("wa", "cust-1", "m4", "fourth", 20, "t1"),
                                         MakeContact("wa", "cust-1", "m2", "second", 12, "t1")});
  EXPECT_EQ(after.outcome, (std::vector<ContactWrite>{ContactWrite::kDuplicate, ContactWrite::kDuplicate}));
  StatusOr<OpenState> again = reopened->LoadOpenState();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->pending_contacts.size(), 3u) << "m2, line's m1 and m4";
  EXPECT_EQ(again->dedup_keys, 5u);
}

}  // namespace
}  // namespace routerd::storage
