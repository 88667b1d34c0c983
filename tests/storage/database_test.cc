#include "engine/storage/sqlite/database.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "engine/storage/sqlite/schema.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::storage {
namespace {

using testing::CountRows;
using testing::OpenOrDie;
using testing::Options;
using testing::ReadAll;
using testing::TempDir;

namespace fs = std::filesystem;

// Stores `rows` contacts through the writer connection, so that the file
// spans many pages: as the journal writer does from schema 9 on (one
// contact_log row), as rows of the contacts table before.
void FillContacts(Database& db, int rows) {
  ASSERT_TRUE(db.writer().Exec("BEGIN").ok());
  if (db.schema_version() >= 9) {
    ContactLogBatch batch;
    StatusOr<std::string> last = db.writer().QueryText("SELECT COALESCE(MAX(seq), 0) + 1 FROM contact_log");
    ASSERT_TRUE(last.ok());
    batch.seq = std::stoll(*last);
    batch.row.BeginGroup("t1", "web", "ch");
    for (int i = 0; i < rows; ++i) {
      ContactPtr c = testing::MakeContact("ch", "c", "m" + std::to_string(i), std::string(300, 'x'));
      StatusOr<bool> claimed = ClaimContactKey(db.writer(), batch, "ch", c->provider_message_id);
      ASSERT_TRUE(claimed.ok() && *claimed);
      batch.row.Add(*c);
    }
    ASSERT_TRUE(AppendContactLogRow(db.writer(), batch, 3).ok());
    ASSERT_TRUE(db.writer().Exec("COMMIT").ok());
    return;
  }
  for (int i = 0; i < rows; ++i) {
    StatusOr<Statement> st = db.writer().Prepare(
        "INSERT INTO contacts (tenant_id, channel_kind, channel_id, customer_id, display_name, provider_message_id,"
        " text, sent_at_ms, received_at_ms, accepted_at_ms) VALUES ('t1', 'web', 'ch', 'c', '', ?1, ?2, 1, 2, 3)");
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    ASSERT_TRUE(st->Bind(1, "m" + std::to_string(i)).Bind(2, std::string(300, 'x')).Run().ok());
  }
  ASSERT_TRUE(db.writer().Exec("COMMIT").ok());
}

TEST(DatabaseTest, CreatesDataDirAndDatabaseAtTheLatestVersionWithDurableSettings) {
  TempDir dir;
  ASSERT_FALSE(fs::exists(dir.data_dir()));
  auto db = OpenOrDie(Options(dir));
  ASSERT_NE(db, nullptr);
  EXPECT_TRUE(fs::exists(dir.db_file()));
  EXPECT_EQ(db->path(), dir.db_file());
  EXPECT_EQ(db->schema_version(), kSchemaVersion);
  EXPECT_EQ(kSchemaVersion, 11);
  EXPECT_EQ(*db->writer().QueryText("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(*db->writer().QueryText("PRAGMA synchronous"), "2") << "2 = FULL";
  EXPECT_EQ(*db->writer().QueryText("PRAGMA foreign_keys"), "1");
  // Once the file is current the writer keeps a small page cache (2 MiB):
  // a large one is resident memory for pages it only appended.
  EXPECT_EQ(*db->writer().QueryText("PRAGMA cache_size"), "-2048");
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM schema_version"), 11) << "one row per applied migration";
  EXPECT_EQ(CountRows(*db, "SELECT MAX(version) FROM schema_version"), 11);
}

TEST(DatabaseTest, ReopenKeepsDataAndAppliesNoMigrationTwice) {
  TempDir dir;
  {
    auto db = OpenOrDie(Options(dir));
    FillContacts(*db, 3);
  }
  auto db = OpenOrDie(Options(dir));
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->schema_version(), kSchemaVersion);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM contacts"), 3);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM schema_version"), 11);
}

TEST(DatabaseTest, MigratesAVersion1DatabaseKeepingItsRows) {
  TempDir dir;
  {
    DatabaseOptions o = Options(dir);
    o.target_version_for_test = 1;
    auto db = OpenOrDie(o);
    ASSERT_NE(db, nullptr);
    EXPECT_EQ(db->schema_version(), 1);
    FillContacts(*db, 2);
    EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'leave_messages'"), 0);
  }
  auto db = OpenOrDie(Options(dir));
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->schema_version(), kSchemaVersion);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM contacts"), 2);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM contacts WHERE attachments IS NULL"), 2)
      << "migration 3 rebuilt the table";
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'leave_messages'"), 1);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'leave_message_history'"), 1);
  EXPECT_EQ(*db->writer().QueryText(
                "SELECT group_concat(version) FROM (SELECT version FROM schema_version ORDER BY version)"),
            "1,2,3,4,5,6,7,8,9,10,11");
}

TEST(DatabaseTest, RefusesADatabaseFromANewerVersionNamingBothVersions) {
  TempDir dir;
  {
    auto db = OpenOrDie(Options(dir));
    ASSERT_TRUE(db->writer()
                    .Exec("INSERT INTO schema_version (version, applied_at_ms) VALUES (" +
                          std::to_string(kSchemaVersion + 1) + ", 0)")
                    .ok());
  }
  StatusOr<std::unique_ptr<Database>> db = Database::Open(Options(dir));
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kFailedPrecondition);
  const std::string newer = std::to_string(kSchemaVersion + 1), known = std::to_string(kSchemaVersion);
  EXPECT_NE(db.status().message().find("schema version " + newer), std::string::npos) << db.status().message();
  EXPECT_NE(db.status().message().find("version " + known + " known to this build"), std::string::npos)
      << db.status().message();
  EXPECT_NE(db.status().message().find(dir.db_file()), std::string::npos) << db.status().message();

  // Refusing changed nothing: the newer version is still recorded.
  DatabaseOptions o = Options(dir);
  o.target_version_for_test = 1;
  EXPECT_FALSE(Database::Open(o).ok());
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open_v2(dir.db_file().c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "SELECT MAX(version) FROM schema_version", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), kSchemaVersion + 1);
  sqlite3_finalize(st);
  sqlite3_close(raw);
}

TEST(DatabaseTest, RefusesAFileThatIsNotADatabaseAndLeavesItAlone) {
  TempDir dir;
  fs::create_directories(dir.data_dir());
  std::string garbage;
  for (int i = 0; i < 512; ++i) garbage += "not a database, just bytes ";
  { std::ofstream(dir.db_file(), std::ios::binary) << garbage; }

  StatusOr<std::unique_ptr<Database>> db = Database::Open(Options(dir));
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(db.status().message().find(dir.db_file()), std::string::npos) << db.status().message();
  EXPECT_NE(db.status().message().find("file is not a database"), std::string::npos) << db.status().message();
  EXPECT_NE(db.status().message().find("never resets it"), std::string::npos) << db.status().message();
  EXPECT_EQ(ReadAll(dir.db_file()), garbage) << "the file is untouched";
}

TEST(DatabaseTest, RefusesATruncatedDatabase) {
  TempDir dir;
  {
    auto db = OpenOrDie(Options(dir));
    FillContacts(*db, 2000);
  }
  // Closing the last connection checkpoints the WAL into the main file and removes it.
  ASSERT_FALSE(fs::exists(dir.db_file() + "-wal"));
  auto size = fs::file_size(dir.db_file());
  ASSERT_GT(size, 100u * 4096u);
  fs::resize_file(dir.db_file(), size / 2);

  StatusOr<std::unique_ptr<Database>> db = Database::Open(Options(dir));
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(db.status().message().find(dir.db_file()), std::string::npos) << db.status().message();
  EXPECT_NE(db.status().message().find("corrupt"), std::string::npos) << db.status().message();
  EXPECT_NE(db.status().message().find("never resets it"), std::string::npos) << db.status().message();
  EXPECT_EQ(fs::file_size(dir.db_file()), size / 2) << "the file is untouched";
}

TEST(DatabaseTest, RefusesADatabaseWithACorruptPage) {
  TempDir dir;
  {
    auto db = OpenOrDie(Options(dir));
    FillContacts(*db, 2000);
  }
  auto size = fs::file_size(dir.db_file());
  {
    std::fstream f(dir.db_file(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2 / 4096 * 4096));
    std::string noise(4096, '\0');
    for (std::size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<char>((i * 131 + 7) & 0xff);
    f.write(noise.data(), static_cast<std::streamsize>(noise.size()));
  }
  StatusOr<std::unique_ptr<Database>> db = Database::Open(Options(dir));
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(db.status().message().find("quick_check"), std::string::npos) << db.status().message();
}

TEST(DatabaseTest, RefusesAnExistingEmptyFileRatherThanInitializingOverIt) {
  TempDir dir;
  fs::create_directories(dir.data_dir());
  { std::ofstream(dir.db_file(), std::ios::binary); }
  StatusOr<std::unique_ptr<Database>> db = Database::Open(Options(dir));
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(db.status().message().find("exists but is empty"), std::string::npos) << db.status().message();
  EXPECT_EQ(fs::file_size(dir.db_file()), 0u);
}

TEST(DatabaseTest, RefusesADatabaseThatIsNotRouterds) {
  TempDir dir;
  fs::create_directories(dir.data_dir());
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(dir.db_file().c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "CREATE TABLE orders (id INTEGER)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
  StatusOr<std::unique_ptr<Database>> db = Database::Open(Options(dir));
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(db.status().message().find("not a routerd database"), std::string::npos) << db.status().message();
}

TEST(DatabaseTest, RefusesAnEmptyDataDir) {
  DatabaseOptions o;
  StatusOr<std::unique_ptr<Database>> db = Database::Open(o);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kInvalidArgument);
}

TEST(DatabaseTest, ReadersDoNotWaitForAnOpenWriteTransaction) {
  TempDir dir;
  auto db = OpenOrDie(Options(dir));
  FillContacts(*db, 1);
  StatusOr<std::unique_ptr<ReadConnection>> reader = db->OpenReader();
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();

  // The writer holds an open write transaction with an uncommitted row.
  ASSERT_TRUE(db->writer().Exec("BEGIN IMMEDIATE").ok());
  ASSERT_TRUE(db->writer()
                  .Exec("INSERT INTO contact_log (accepted_at_ms, contacts) VALUES (3, x'01')")
                  .ok());
  {
    // Answers at once (busy_timeout would make it wait seconds otherwise) from the last commit.
    StatusOr<Statement> st = (*reader)->conn().Prepare("SELECT COUNT(*) FROM contact_log");
    ASSERT_TRUE(st.ok());
    StatusOr<bool> row = st->Step();
    ASSERT_TRUE(row.ok()) << row.status().ToString();
    EXPECT_EQ(st->ColumnInt64(0), 1);
  }
  ASSERT_TRUE(db->writer().Exec("COMMIT").ok());
  StatusOr<Statement> st = (*reader)->conn().Prepare("SELECT COUNT(*) FROM contact_log");
  ASSERT_TRUE(st.ok());
  ASSERT_TRUE(st->Step().ok());
  EXPECT_EQ(st->ColumnInt64(0), 2);
}

TEST(DatabaseTest, ReaderConnectionsAreReadOnly) {
  TempDir dir;
  auto db = OpenOrDie(Options(dir));
  StatusOr<ReaderPool::Lease> lease = db->readers().Acquire();
  ASSERT_TRUE(lease.ok());
  Status s = (*lease)->conn().Exec("DELETE FROM contact_log");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("readonly"), std::string::npos) << s.message();
}

TEST(DatabaseTest, PreparedStatementsAreCachedPerConnection) {
  TempDir dir;
  auto db = OpenOrDie(Options(dir));
  const char* sql = "SELECT COUNT(*) FROM contact_log";
  sqlite3_stmt* first = nullptr;
  {
    StatusOr<Statement> a = db->writer().Prepare(sql);
    ASSERT_TRUE(a.ok());
    first = sqlite3_next_stmt(db->writer().raw(), nullptr);
  }
  StatusOr<Statement> b = db->writer().Prepare(sql);
  ASSERT_TRUE(b.ok());
  int statements = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db->writer().raw(), nullptr); s; s = sqlite3_next_stmt(db->writer().raw(), s)) {
    if (std::string_view(sqlite3_sql(s)) == sql) {
      ++statements;
      EXPECT_EQ(s, first);
    }
  }
  EXPECT_EQ(statements, 1);
}

}  // namespace
}  // namespace routerd::storage
