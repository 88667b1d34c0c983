// The write-ahead log's checkpoints off the writer (wal_checkpointer.h): the
// thread copies the log into the database once it holds the threshold, and
// the writer checkpoints inline when the log passes its limit, so the log
// stays bounded either way; nothing committed is lost.
#include "engine/storage/sqlite/wal_checkpointer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "tests/storage/storage_test_util.h"

namespace routerd::storage {
namespace {

using testing::TempDir;

std::unique_ptr<SqliteConnection> OpenWalFile(const std::string& path) {
  StatusOr<std::unique_ptr<SqliteConnection>> conn =
      SqliteConnection::Open(path, SqliteConnection::Mode::kReadWriteCreate);
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (!conn.ok()) return nullptr;
  EXPECT_EQ(*(*conn)->QueryText("PRAGMA journal_mode=WAL"), "wal");
  EXPECT_TRUE((*conn)->Exec("PRAGMA synchronous=FULL; CREATE TABLE rows (id INTEGER PRIMARY KEY, bytes BLOB)").ok());
  return std::move(conn).value();
}

// `commits` transactions of about 40 KiB (ten 4 KiB pages) each.
void Commit(SqliteConnection& conn, int commits) {
  for (int i = 0; i < commits; ++i) {
    ASSERT_TRUE(conn.Exec("INSERT INTO rows (bytes) VALUES (zeroblob(40000))").ok());
  }
}

std::int64_t FileSize(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? -1 : static_cast<std::int64_t>(size);
}

// Waits for `done`, for as long as a loaded machine may need; the test is
// about whether it happens, not how soon.
template <typename Done>
bool Eventually(Done done) {
  for (int i = 0; i < 3000 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return done();
}

// A fresh WAL file and its writer connection.
class WalCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    conn_ = OpenWalFile(path_);
    ASSERT_NE(conn_, nullptr);
  }
  std::unique_ptr<WalCheckpointer> Start(int threshold_pages, int writer_limit_pages) {
    WalCheckpointerOptions options;
    options.threshold_pages = threshold_pages;
    options.writer_limit_pages = writer_limit_pages;
    StatusOr<std::unique_ptr<WalCheckpointer>> started = WalCheckpointer::Start(path_, *conn_, options);
    EXPECT_TRUE(started.ok()) << started.status().ToString();
    return started.ok() ? std::move(started).value() : nullptr;
  }

  TempDir dir_;
  const std::string path_ = dir_.path() + "/wal.db";
  std::unique_ptr<SqliteConnection> conn_;
};

TEST_F(WalCheckpointerTest, TheThreadCopiesTheLogOnceItHoldsTheThreshold) {
  const std::string& path = path_;
  SqliteConnection* conn = conn_.get();
  auto checkpointer = Start(100, 1'000'000);  // the writer's limit never reached: the thread does it all
  ASSERT_NE(checkpointer, nullptr);

  Commit(*conn, 5);  // about 50 pages: below the threshold
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(checkpointer->stats().by_checkpointer, 0u);
  const std::int64_t before = FileSize(path);

  Commit(*conn, 20);
  ASSERT_TRUE(Eventually([&] { return checkpointer->stats().by_checkpointer >= 1; }));
  EXPECT_EQ(checkpointer->stats().by_writer, 0u);
  // At least the threshold's 100 pages copied into the database file.
  EXPECT_TRUE(Eventually([&] { return FileSize(path) > before + 300'000; })) << FileSize(path) - before;
  EXPECT_EQ(*conn->QueryText("SELECT COUNT(*) FROM rows"), "25");
}

TEST_F(WalCheckpointerTest, TheWriterCheckpointsInlineWhenTheLogPassesItsLimit) {
  const std::string& path = path_;
  SqliteConnection* conn = conn_.get();
  auto checkpointer = Start(1'000'000, 100);  // the thread is never woken
  ASSERT_NE(checkpointer, nullptr);

  Commit(*conn, 500);  // about 20 MB through the log
  EXPECT_GE(checkpointer->stats().by_writer, 1u);
  EXPECT_EQ(checkpointer->stats().by_checkpointer, 0u);
  EXPECT_LT(FileSize(path + "-wal"), 2'000'000) << "the log started over instead of growing";
  EXPECT_EQ(*conn->QueryText("SELECT COUNT(*) FROM rows"), "500");
}

TEST_F(WalCheckpointerTest, WithoutItTheLogIsNotCheckpointedByCommits) {
  const std::string& path = path_;
  {
    auto checkpointer = Start(1'000'000, 1'000'000);
    ASSERT_NE(checkpointer, nullptr);
    Commit(*conn_, 150);  // about 1500 pages, past SQLite's own threshold of 1000
    EXPECT_GT(FileSize(path + "-wal"), 6'000'000) << "no commit checkpointed";
  }
  // Stopped: the writer's hook is gone, and SQLite checkpoints when the
  // connection closes; everything is in the database file.
  conn_.reset();
  EXPECT_EQ(FileSize(path + "-wal"), -1) << "removed at close, its pages copied";
  auto reopened = SqliteConnection::Open(path, SqliteConnection::Mode::kReadOnly);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(*(*reopened)->QueryText("SELECT COUNT(*) FROM rows"), "150");
}

}  // namespace
}  // namespace routerd::storage
