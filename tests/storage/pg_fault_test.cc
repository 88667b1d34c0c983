// What only the PostgreSQL backend has to survive: its server going away
// (killed, restarted, under load) and coming back, a schema newer than this
// build, a server that is not there at all. Each test process runs its own
// private server, so killing it disturbs no other test.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/storage/storage.h"
#include "tests/storage/storage_backends.h"
#include "tests/storage/storage_test_util.h"
#include "tests/support/postgres_environment.h"

namespace routerd::storage {
namespace {

using testing::BackendLocation;
using testing::BackendParam;
using testing::MakeContact;
using testing::WriteContacts;

::routerd::testing::PostgresServer& Server() {
  StatusOr<::routerd::testing::PostgresServer*> s = ::routerd::testing::SharedPostgres();
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return **s;
}

// Retries a write until the backend takes it again; a bound, not a timing
// claim: the writer retries its connection at most every 5 s.

testing::ContactsResult WriteWhenBack(Storage& storage, const ContactPtr& contact) {
  testing::ContactsResult r;
  for (int attempt = 0; attempt < 600; ++attempt) {
    r = WriteContacts(storage, {contact});
    if (r.status.ok()) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return r;
}

class PgFaultTest : public ::testing::Test {
 protected:
  BackendLocation where_{BackendParam{"postgresql", 2}};
  ManualClock clock_;
};

TEST_F(PgFaultTest, AKilledServerFailsWritesAsUnavailableAndTheWriterReconnectsByItself) {
  auto storage = where_.Open(clock_);
  ASSERT_NE(storage, nullptr);
  ASSERT_TRUE(WriteContacts(*storage, {MakeContact("wa1", "A", "before", "acknowledged")}).status.ok());
  EXPECT_EQ(storage->Degraded(), "");

  ASSERT_TRUE(Server().Kill().ok());
  // The first write after the kill finds the connection gone: not stored,
  // and the caller is told to retry (a webhook answers 503).
  testing::ContactsResult during = WriteContacts(*storage, {MakeContact("wa1", "A", "during", "refused")});
  ASSERT_FALSE(during.status.ok());
  EXPECT_EQ(during.status.code(), StatusCode::kUnavailable) << during.status.ToString();
  EXPECT_NE(storage->Degraded(), "");
  EXPECT_GE(storage->stats().unavailable_partitions, 1u);

  ASSERT_TRUE(Server().Restart().ok()) << Server().LogTail();
  testing::ContactsResult after = WriteWhenBack(*storage, MakeContact("wa1", "A", "after", "stored"));
  ASSERT_TRUE(after.status.ok()) << after.status.ToString();
  EXPECT_EQ(storage->Degraded(), "");
  EXPECT_GE(storage->stats().reconnects, 1u);

  // What was acknowledged is there; what was refused is not; the retry of
  // the acknowledged one is a duplicate.
  StatusOr<std::string> keys = where_.Psql("SELECT string_agg(provider_message_id, ',' ORDER BY seq) FROM contacts");
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(*keys, "before,after");
  testing::ContactsResult retry = WriteContacts(*storage, {MakeContact("wa1", "A", "before", "retried")});
  ASSERT_TRUE(retry.status.ok());
  EXPECT_EQ(retry.outcome, std::vector<ContactWrite>{ContactWrite::kDuplicate});
}

TEST_F(PgFaultTest, EveryContactAcknowledgedWhileTheServerRestartsUnderLoadIsStoredExactlyOnce) {
  auto storage = where_.Open(clock_);
  ASSERT_NE(storage, nullptr);
  std::atomic<bool> stop{false};
  std::vector<std::set<std::string>> acknowledged(4);
  std::vector<std::thread> producers;
  for (int p = 0; p < 4; ++p) {
    producers.emplace_back([&, p] {
      for (int i = 0; !stop.load(); ++i) {
        const std::string id = "p" + std::to_string(p) + "-" + std::to_string(i);
        const std::string tenant = p % 2 == 0 ? "t1" : "t2";
        testing::ContactsResult r =
            WriteContacts(*storage, {MakeContact("wa" + std::to_string(p), "C" + std::to_string(i % 7), id, "x",
                                                 1'700'000'000'000, tenant)});
        if (r.status.ok()) {
          acknowledged[p].insert(id);
        } else {
          EXPECT_TRUE(r.status.code() == StatusCode::kUnavailable ||
                      r.status.code() == StatusCode::kResourceExhausted)
              << r.status.ToString();
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
      }
    });
  }
  auto acked = [&] {
    std::size_t n = 0;
    for (const auto& s : acknowledged) n += s.size();
    return n;
  };
  while (acked() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(Server().Restart().ok()) << Server().LogTail();
  // Load continues until writes are taken again after the restart.
  const std::size_t before_back = acked();
  for (int i = 0; i < 600 && acked() <= before_back + 50; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  stop = true;
  for (std::thread& t : producers) t.join();
  ASSERT_GT(acked(), before_back) << "no write was taken after the restart";
  EXPECT_GE(storage->stats().reconnects, 1u);

  StatusOr<std::string> stored = where_.Psql(
      "SELECT count(*) || ',' || count(DISTINCT (channel_id, provider_message_id)) FROM contacts");
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  const std::size_t comma = stored->find(',');
  const std::size_t rows = std::stoul(stored->substr(0, comma));
  EXPECT_EQ(stored->substr(comma + 1), stored->substr(0, comma)) << "a key stored twice";
  // Each acknowledged contact is stored; a write whose commit was in doubt
  // may be stored without having been acknowledged, never the reverse.
  EXPECT_GE(rows, acked());
  for (int p = 0; p < 4; ++p) {
    for (const std::string& id : acknowledged[p]) {
      StatusOr<std::string> found =
          where_.Psql("SELECT count(*) FROM contacts WHERE provider_message_id = '" + id + "'");
      ASSERT_TRUE(found.ok());
      ASSERT_EQ(*found, "1") << id << " was acknowledged but is not stored";
    }
  }
}

TEST_F(PgFaultTest, ASchemaNewerThanThisBuildIsRefusedAndLeftAsItIs) {
  { ASSERT_NE(where_.Open(clock_), nullptr); }
  ASSERT_TRUE(where_.Psql("INSERT INTO routerd_schema VALUES (99, now())").ok());
  StatusOr<std::unique_ptr<Storage>> s = OpenStorage(where_.Options(), clock_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.status().message().find("version 99"), std::string::npos) << s.status().ToString();
  StatusOr<std::string> version = where_.Psql("SELECT max(version) FROM routerd_schema");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, "99");
}

TEST_F(PgFaultTest, AMultiHostUrlFindsTheWritableServerPastOneThatIsDown) {
  ::routerd::testing::PostgresServer& server = Server();
  // As after a failover: the first host listed is gone, the second is the
  // primary; libpq tries them in order and keeps the one that takes writes.
  StorageOptions o = where_.Options();
  o.url = "postgresql:///" + where_.database() + "?host=/nonexistent-socket-dir," + server.socket_dir() +
          "&port=1," + std::to_string(server.port()) + "&user=postgres&target_session_attrs=read-write";
  auto storage = BackendLocation::OpenWith(o, clock_);
  ASSERT_NE(storage, nullptr);
  EXPECT_TRUE(WriteContacts(*storage, {MakeContact("wa1", "A", "m1", "x")}).status.ok());
  EXPECT_NE(storage->Describe().find(server.socket_dir()), std::string::npos) << storage->Describe();
}

TEST_F(PgFaultTest, AServerThatIsNotThereIsAClearErrorAtOpen) {
  StorageOptions o = where_.Options();
  o.url = "postgresql:///routerd?host=/nonexistent-socket-dir&port=1&connect_timeout=2";
  StatusOr<std::unique_ptr<Storage>> s = OpenStorage(o, clock_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(s.status().message().find("cannot connect to PostgreSQL"), std::string::npos) << s.status().ToString();
  o.url = "postgresql://[bad";
  s = OpenStorage(o, clock_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument) << s.status().ToString();
}

}  // namespace
}  // namespace routerd::storage
