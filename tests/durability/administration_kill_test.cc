// Run-time administration through the real executable killed with SIGKILL: a
// cap set and a token created through the API are answered only once stored,
// so both are there after the kill and restart, and win over the file. On
// SQLite and on PostgreSQL (a fresh database of the test's own).
#include <gtest/gtest.h>

#include "tests/durability/durability_backend.h"
#include "tests/durability/durability_config.h"
#include "tests/durability/routerd_process.h"
#include "tests/gateway/test_clients.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::durability {
namespace {

class AdministrationKillTest : public ::testing::TestWithParam<std::string> {
 protected:
  AdministrationKillTest() : runner_(dir_.path()) { storage_.data_dir = dir_.path() + "/data"; }

  // The test's storage, kept across the kill.
  void SetUp() override {
    const Status backend = UseBackend(GetParam(), storage_);
    ASSERT_TRUE(backend.ok()) << backend.ToString();
  }

  void Start() {
    DurabilityConfig config = storage_;
    config.log_level = "info";
    http_.reset();
    const Status started = runner_.Start(config);
    ASSERT_TRUE(started.ok()) << started.ToString();
    http_ = std::make_unique<gateway_test::HttpClient>(runner_.port());
  }
  gateway_test::HttpReply Call(std::string_view method, std::string_view target, std::string_view token,
                               std::string body = {}) {
    gateway_test::Headers headers = Bearer(token);
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    auto reply = http_->Send(method, target, std::move(body), headers);
    EXPECT_TRUE(reply.ok()) << target << ": " << reply.status().ToString();
    return reply.ok() ? std::move(reply).value() : gateway_test::HttpReply{};
  }

  storage::testing::TempDir dir_;
  DurabilityConfig storage_;  // data_dir, backend and url
  RouterdRunner runner_;
  std::unique_ptr<gateway_test::HttpClient> http_;
};

INSTANTIATE_TEST_SUITE_P(Backends, AdministrationKillTest, AllBackends(), BackendName);

TEST_P(AdministrationKillTest, ACapAndATokenAnsweredBeforeAKillAreThereAfterIt) {
  Start();
  gateway_test::HttpReply reply =
      Call("PUT", "/api/v1/agents/a1/cap", kAdminToken, R"({"max_concurrent_sessions":7})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  reply = Call("POST", "/api/v1/tokens", kAdminToken, R"({"name":"a2-phone","role":"agent","employee_id":"a2"})");
  ASSERT_EQ(reply.status, 201) << reply.body;
  const std::string token = reply.Json().Str("/token").value_or("");
  ASSERT_FALSE(token.empty()) << reply.body;

  http_.reset();
  runner_.Kill();
  Start();

  reply = Call("GET", "/api/v1/agents/a1/state", kAdminToken);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Json().Int("/effective_cap"), 7) << reply.body;
  EXPECT_EQ(reply.Json().Str("/cap_origin"), "agent") << reply.body;
  EXPECT_EQ(Call("GET", "/api/v1/agents/a2/state", token).status, 200);
  const std::string log = runner_.process().Output();
  EXPECT_NE(log.find("1 cap settings applied over the configuration file, 1 API tokens"), std::string::npos) << log;
}

}  // namespace
}  // namespace routerd::durability
