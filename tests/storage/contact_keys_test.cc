// The dedup keys indexed in the journal writer's memory (contact_keys.h):
// claims checked against the rows the index names, so that a hash shared by
// two keys never turns a new contact into a duplicate; claims undone with
// the row they were made for; the index read back from the stored rows.
#include "engine/storage/sqlite/contact_keys.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/storage/storage_test_util.h"

namespace routerd::storage {
namespace {

using testing::OpenOrDie;
using testing::Options;
using testing::TempDir;

// Claims and adds each id of `ids` in channel "ch"; the outcome of each claim.
std::vector<bool> Claim(Database& db, ContactLogBatch& batch, const std::vector<std::string>& ids) {
  std::vector<bool> fresh;
  for (const std::string& id : ids) {
    StatusOr<bool> claimed = ClaimContactKey(db.writer(), batch, "ch", id);
    EXPECT_TRUE(claimed.ok()) << claimed.status().ToString();
    fresh.push_back(claimed.ok() && *claimed);
    if (claimed.ok() && *claimed) {
      if (batch.row.empty()) batch.row.BeginGroup("t1", "web", "ch");
      batch.row.Add(*testing::MakeContact("ch", "c", id, "text of " + id));
    }
  }
  return fresh;
}

void Commit(Database& db, ContactLogBatch& batch) {
  ASSERT_TRUE(AppendContactLogRow(db.writer(), batch, 1).ok());
  ASSERT_TRUE(db.writer().Exec("COMMIT").ok());
  batch.Committed();
}

// A fresh partition file and the batch of its first row, in a transaction.
class ContactKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenOrDie(Options(dir_));
    ASSERT_NE(db_, nullptr);
    batch_.seq = 1;
    ASSERT_TRUE(db_->writer().Exec("BEGIN").ok());
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  ContactLogBatch batch_;
};

TEST_F(ContactKeysTest, AKeyIsNewOnceAndADuplicateAfterInItsRowAndInStoredRows) {
  Database& db = *db_;
  ContactLogBatch& batch = batch_;
  EXPECT_EQ(Claim(db, batch, {"m1", "m2", "m1"}), (std::vector<bool>{true, true, false})) << "m1 is in the row";
  Commit(db, batch);
  ASSERT_TRUE(db.writer().Exec("BEGIN").ok());
  EXPECT_EQ(Claim(db, batch, {"m2", "m3"}), (std::vector<bool>{false, true})) << "m2 is in a stored row";
  StatusOr<bool> other_channel = ClaimContactKey(db.writer(), batch, "ch2", "m1");
  ASSERT_TRUE(other_channel.ok());
  EXPECT_TRUE(*other_channel) << "the key is the channel and the id together";
  Commit(db, batch);
  EXPECT_EQ(batch.keys.size(), 4u);
}

TEST_F(ContactKeysTest, AKeySharingItsHashWithAStoredKeyIsStillNew) {
  Database& db = *db_;
  ContactLogBatch& batch = batch_;
  EXPECT_EQ(Claim(db, batch, {"stored"}), (std::vector<bool>{true}));
  Commit(db, batch);
  // As if "new" hashed like "stored": an entry under its hash names the row
  // that holds "stored"; and one under "new-too"'s names the row being built.
  batch.keys.Insert(base::DedupKeyHash("ch", "new"), 1);
  batch.keys.Insert(base::DedupKeyHash("ch", "new-too"), batch.seq);
  ASSERT_TRUE(db.writer().Exec("BEGIN").ok());
  EXPECT_EQ(Claim(db, batch, {"new-too", "new", "new", "stored"}), (std::vector<bool>{true, true, false, false}))
      << "only a row that holds the key makes it a duplicate, and the row being built is empty at first";
  Commit(db, batch);
}

TEST_F(ContactKeysTest, ClaimsAreUndoneWithTheRowTheyWereMadeFor) {
  Database& db = *db_;
  ContactLogBatch& batch = batch_;
  EXPECT_EQ(Claim(db, batch, {"kept"}), (std::vector<bool>{true}));
  const ContactLogBatch::Mark mark = batch.mark();
  EXPECT_EQ(Claim(db, batch, {"undone", "undone-too"}), (std::vector<bool>{true, true}));
  batch.Truncate(mark);  // a record's savepoint rolled back
  EXPECT_EQ(batch.row.contacts(), 1u);
  EXPECT_EQ(Claim(db, batch, {"undone", "kept"}), (std::vector<bool>{true, false}));
  // The whole row is rolled back: none of its keys is stored.
  ASSERT_TRUE(db.writer().Exec("ROLLBACK").ok());
  batch.Truncate({});
  EXPECT_EQ(batch.keys.size(), 0u);
  EXPECT_TRUE(batch.row.empty());
  ASSERT_TRUE(db.writer().Exec("BEGIN").ok());
  EXPECT_EQ(Claim(db, batch, {"kept", "undone"}), (std::vector<bool>{true, true}));
  Commit(db, batch);
}

TEST_F(ContactKeysTest, TheIndexIsReadBackFromTheStoredRows) {
  for (int row = 0; row < 3; ++row) {
    if (row > 0) {
      ASSERT_TRUE(db_->writer().Exec("BEGIN").ok());
    }
    std::vector<std::string> ids;
    for (int i = 0; i < 100; ++i) ids.push_back("m" + std::to_string(row * 100 + i));
    Claim(*db_, batch_, ids);
    Commit(*db_, batch_);
  }
  ContactLogBatch loaded;
  ASSERT_TRUE(LoadContactKeys(db_->writer(), loaded).ok());
  EXPECT_EQ(loaded.keys.size(), 300u);
  loaded.seq = 4;
  ASSERT_TRUE(db_->writer().Exec("BEGIN").ok());
  EXPECT_EQ(Claim(*db_, loaded, {"m0", "m150", "m299", "m300"}), (std::vector<bool>{false, false, false, true}));
  ASSERT_TRUE(db_->writer().Exec("ROLLBACK").ok());
}

}  // namespace
}  // namespace routerd::storage
