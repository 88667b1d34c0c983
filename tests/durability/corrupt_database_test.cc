// A damaged routerd.db at start-up: the executable refuses to start
// (exit code 1) with an error on stderr that names the file and says what to
// do, and leaves the file exactly as it found it. Never a silent reset.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "engine/storage/sqlite/schema.h"
#include "routerd/clock.h"
#include "tests/durability/durability_config.h"
#include "tests/durability/routerd_process.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::durability {
namespace {

namespace fs = std::filesystem;

class CorruptDatabaseTest : public ::testing::Test {
 protected:
  std::string data_dir() const { return dir_.path() + "/data"; }
  std::string db_path() const { return data_dir() + "/routerd.db"; }

  // A real routerd.db holding `contacts` contacts of ~2 KB each, closed
  // cleanly (its WAL checkpointed into the file and removed).
  void MakeRealDatabase(int contacts) {
    storage::DatabaseOptions options;
    options.data_dir = data_dir();
    auto db = storage::testing::OpenOrDie(options);
    ASSERT_NE(db, nullptr);
    SystemClock clock;
    {
      storage::JournalWriter writer(*db, clock);
      ASSERT_TRUE(writer.Start().ok());
      std::vector<ContactPtr> batch;
      for (int i = 0; i < contacts; ++i) {
        batch.push_back(storage::testing::MakeContact("web-chat", "visitor-" + std::to_string(i),
                                                      "evt-" + std::to_string(i), std::string(2000, 'a' + i % 26),
                                                      1'700'000'000'000, "acme", "web"));
      }
      const auto written = storage::testing::WriteContacts(writer, std::move(batch));
      ASSERT_TRUE(written.status.ok()) << written.status.ToString();
      writer.Stop();
    }
    db.reset();
    std::error_code ec;
    ASSERT_TRUE(!fs::exists(db_path() + "-wal") || fs::file_size(db_path() + "-wal", ec) == 0)
        << "the WAL was not checkpointed at close";
  }

  void WriteFile(const std::string& bytes) {
    fs::create_directories(data_dir());
    std::ofstream out(db_path(), std::ios::binary | std::ios::trunc);
    out << bytes;
  }

  // Starts the executable on the data directory and returns when it exits
  // (it must: there is nothing it may start on).
  RouterdProcess& StartAndWaitForExit() {
    DurabilityConfig config;
    config.data_dir = data_dir();
    config.port = FreeLoopbackPort();
    config.log_level = "info";
    const std::string config_path = dir_.path() + "/routerd.toml";
    {
      std::ofstream out(config_path);
      out << DurabilityToml(config);
    }
    process_ = std::make_unique<RouterdProcess>(std::vector<std::string>{"--config", config_path},
                                                dir_.path() + "/routerd");
    EXPECT_TRUE(process_->spawned());
    exit_code_ = process_->Wait();
    return *process_;
  }

  // The refusal every damaged file must get: exit code 1 and an error naming
  // the file and saying `what`. Where it is written (stdout or stderr) is
  // checked once, by ErrorGoesToStderr, so that a wrong stream fails one test
  // that says so rather than hiding what these check.
  void ExpectRefused(std::string_view what) {
    EXPECT_EQ(exit_code_, 1) << process_->Output();
    const std::string out = process_->Stdout() + process_->Stderr();
    EXPECT_NE(out.find("routerd: cannot start: " + db_path()), std::string::npos)
        << "the error does not name the file:\n" << process_->Output();
    EXPECT_NE(out.find(what), std::string::npos) << "the error does not say '" << what << "':\n" << process_->Output();
    EXPECT_EQ(out.find("routerd started"), std::string::npos) << process_->Output();
  }

  void WriteGarbage() {
    std::string garbage;
    std::uint32_t x = 2463534242u;  // xorshift32: the same bytes every run
    for (int i = 0; i < 16384; ++i) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      garbage.push_back(static_cast<char>(x & 0xff));
    }
    WriteFile(garbage);
  }

  storage::testing::TempDir dir_;
  std::unique_ptr<RouterdProcess> process_;
  int exit_code_ = -1;
};

constexpr std::string_view kWhatToDo = "restore it from a backup, or move it aside";

TEST_F(CorruptDatabaseTest, GarbageIsRefusedAndLeftUntouched) {
  WriteGarbage();
  const std::string garbage = storage::testing::ReadAll(db_path());
  StartAndWaitForExit();
  ExpectRefused(kWhatToDo);
  EXPECT_NE(process_->Output().find("corrupt, truncated or not a database"), std::string::npos)
      << process_->Output();
  EXPECT_EQ(storage::testing::ReadAll(db_path()), garbage);
}

// An operator (or systemd, or a wrapper script) reads why a daemon did not
// start on stderr, where routerd also writes its configuration errors.
TEST_F(CorruptDatabaseTest, ErrorGoesToStderr) {
  WriteGarbage();
  StartAndWaitForExit();
  EXPECT_EQ(exit_code_, 1);
  const std::string err = process_->Stderr();
  EXPECT_NE(err.find("routerd: cannot start: " + db_path()), std::string::npos)
      << "stderr does not name the file:\n" << process_->Output();
  EXPECT_NE(err.find(kWhatToDo), std::string::npos) << "stderr does not say what to do:\n" << process_->Output();
}

TEST_F(CorruptDatabaseTest, DatabaseTruncatedToHalfIsRefusedAndLeftUntouched) {
  MakeRealDatabase(300);
  const std::uintmax_t size = fs::file_size(db_path());
  ASSERT_GT(size, 100u * 4096) << "the database is too small to lose half of its pages";
  fs::resize_file(db_path(), size / 2);
  const std::string truncated = storage::testing::ReadAll(db_path());
  StartAndWaitForExit();
  ExpectRefused(kWhatToDo);
  EXPECT_EQ(storage::testing::ReadAll(db_path()), truncated);
}

TEST_F(CorruptDatabaseTest, DatabaseTruncatedToNothingIsRefusedAndLeftUntouched) {
  MakeRealDatabase(5);
  fs::resize_file(db_path(), 0);
  StartAndWaitForExit();
  ExpectRefused(kWhatToDo);
  EXPECT_NE(process_->Output().find("exists but is empty"), std::string::npos) << process_->Output();
  EXPECT_EQ(fs::file_size(db_path()), 0u);
}

TEST_F(CorruptDatabaseTest, DatabaseFromANewerRouterdIsRefusedAndLeftUntouched) {
  MakeRealDatabase(5);
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    const int rc =
        sqlite3_exec(db, "INSERT INTO schema_version (version, applied_at_ms) VALUES (99, 1)", nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    ASSERT_EQ(sqlite3_close(db), SQLITE_OK);
  }
  const std::string before = storage::testing::ReadAll(db_path());
  StartAndWaitForExit();
  ExpectRefused("does not downgrade");
  EXPECT_NE(process_->Output().find("schema version 99, newer than version " +
                                    std::to_string(storage::kSchemaVersion)),
            std::string::npos)
      << process_->Output();
  EXPECT_EQ(storage::testing::ReadAll(db_path()), before);
}

// The control: the same procedure on an intact database starts and keeps
// its contacts as dedup keys.
TEST_F(CorruptDatabaseTest, IntactDatabaseStarts) {
  MakeRealDatabase(5);
  DurabilityConfig config;
  config.data_dir = data_dir();
  config.log_level = "info";
  RouterdRunner runner(dir_.path());
  const Status started = runner.Start(config);
  ASSERT_TRUE(started.ok()) << started.ToString();
  gateway_test::HttpClient client(runner.port());
  const Delivery again = Deliver(client, WebEvent(kWebChannel, "evt-3", "message", "visitor-3", "again"));
  EXPECT_EQ(again.status, 200) << again.body << again.error;
  EXPECT_EQ(runner.Terminate(), 0);
  EXPECT_NE(runner.process().Stdout().find("5 dedup key(s)"), std::string::npos) << runner.process().Output();
}

}  // namespace
}  // namespace routerd::durability
