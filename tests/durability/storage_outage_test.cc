// The real executable on PostgreSQL while the server goes away and comes
// back: webhooks are refused with 503 and Retry-After (nothing acknowledged
// is lost), /healthz says storage is degraded, routerd reconnects by itself
// and counts it, and traffic is taken again without a restart of routerd.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/durability/database_probe.h"
#include "tests/durability/durability_backend.h"
#include "tests/durability/durability_config.h"
#include "tests/durability/routerd_process.h"
#include "tests/gateway/test_clients.h"
#include "tests/storage/storage_test_util.h"
#include "tests/support/postgres_environment.h"

namespace routerd::durability {
namespace {

class StorageOutageTest : public ::testing::Test {
 protected:
  StorageOutageTest() : runner_(dir_.path()) { config_.data_dir = dir_.path() + "/data"; }

  void SetUp() override {
    const Status backend = UseBackend(kPostgresql, config_);
    ASSERT_TRUE(backend.ok()) << backend.ToString();
    StatusOr<::routerd::testing::PostgresServer*> server = ::routerd::testing::SharedPostgres();
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = *server;
  }

  storage::testing::TempDir dir_;
  DurabilityConfig config_;
  RouterdRunner runner_;
  ::routerd::testing::PostgresServer* server_ = nullptr;
};

TEST_F(StorageOutageTest, WebhooksGet503AndHealthzSaysDegradedUntilTheServerIsBackThenTrafficFlowsAgain) {
  ASSERT_TRUE(runner_.Start(config_).ok());
  gateway_test::HttpClient http(runner_.port());
  Delivery before = Deliver(http, WebEvent(kWebChannel, "ev-before", "message", "visitor-1", "before"));
  ASSERT_EQ(before.status, 200) << before.body << before.error;
  auto health = http.Send("GET", "/healthz", "", {});
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->status, 200) << health->body;

  ASSERT_TRUE(server_->Kill().ok());
  // The first delivery may find the connection gone mid-batch, the next ones
  // are refused at once: never a 2xx while nothing can be stored.
  Delivery during;
  for (int i = 0; i < 3; ++i) {
    during = Deliver(http, WebEvent(kWebChannel, "ev-during-" + std::to_string(i), "message", "visitor-2", "lost?"));
    EXPECT_EQ(during.status, 503) << during.body << during.error;
  }
  EXPECT_NE(during.body.find("storage_unavailable"), std::string::npos) << during.body;
  health = http.Send("GET", "/healthz", "", {});
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->status, 503) << health->body;
  EXPECT_NE(health->body.find("\"status\":\"degraded\""), std::string::npos) << health->body;
  EXPECT_NE(health->body.find("\"storage\":\"unavailable\""), std::string::npos) << health->body;
  EXPECT_FALSE(health->Header("Retry-After").empty());

  ASSERT_TRUE(server_->Restart().ok()) << server_->LogTail();
  // Back by itself: the writer retries at most every 5 s.
  Delivery after;
  for (int i = 0; i < 300; ++i) {
    after = Deliver(http, WebEvent(kWebChannel, "ev-after", "message", "visitor-3", "after"));
    if (after.status == 200) break;
    ASSERT_EQ(after.status, 503) << after.body << after.error;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(after.status, 200) << after.body << after.error;
  health = http.Send("GET", "/healthz", "", {});
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->status, 200) << health->body;
  auto metrics = http.Send("GET", "/metrics", "", {});
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(metrics->body.find("routerd_storage_reconnects_total 1"), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("routerd_storage_unavailable_writers 0"), std::string::npos);

  // A retry of what was acknowledged is a duplicate, not a second contact.
  Delivery retry = Deliver(http, WebEvent(kWebChannel, "ev-before", "message", "visitor-1", "before"));
  EXPECT_EQ(retry.status, 200) << retry.body;
  auto probe = DatabaseProbe::Open(config_);
  ASSERT_TRUE(probe.ok()) << probe.status().ToString();
  StatusOr<std::int64_t> stored = (*probe)->Count("SELECT COUNT(*) FROM contacts");
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(*stored, 2) << "ev-before and ev-after, once each";
}

}  // namespace
}  // namespace routerd::durability
