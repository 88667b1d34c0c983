// RestartTest, the fixture of restart_recovery_test.cc: the daemon in-process
// on the test's storage (the backend of the parameter; for PostgreSQL a
// database of the test's own), stopped and created again on it by Restart(),
// with a look into the tenant's router, the webhook and admin APIs, agents'
// WebSockets and a DatabaseProbe on what was stored.
//
// Thread safety: none; the test's thread.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/daemon/daemon.h"
#include "tests/durability/database_probe.h"
#include "tests/durability/durability_config.h"
#include "tests/gateway/gateway_fixture.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::durability {

// One open session as the router holds it.
struct RouterSession {
  std::uint64_t id = 0;
  std::string customer;
  std::string queue;
  std::string agent;  // empty while waiting
  std::size_t messages = 0;
  std::string last_text;  // of the newest message it holds
};

class RestartTest : public ::testing::TestWithParam<std::string> {
 protected:
  // The test's storage, kept across restarts.
  void SetUp() override;
  void TearDown() override { StopDaemon(); }

  // Creates and starts the daemon with `config` on the test's storage (its
  // data_dir, backend, url and port are the fixture's).
  void StartDaemon(const DurabilityConfig& config = {});
  void StopDaemon();
  // Stop, then Create and Start again on the same storage.
  void Restart();

  // A provider request, expecting 200.
  void Send(const integration::ProviderRequest& request);
  void SendWeb(std::string_view event_id, std::string_view visitor, std::string_view text,
               std::string_view channel = kWebChannel);
  // GET `target` as the tenant admin.
  gateway_test::HttpReply Admin(std::string_view target);
  // The value of a sample of /metrics (its name with labels).
  std::optional<std::uint64_t> Metric(std::string_view sample);

  // Runs `fn` on the tenant's shard thread, against its TenantRouter.
  template <typename Fn>
  auto OnRouter(Fn fn) -> decltype(fn(std::declval<const routing::TenantRouter&>())) {
    using Result = decltype(fn(std::declval<const routing::TenantRouter&>()));
    const auto ref = daemon_->shards().directory().FindTenant(kTenant);
    auto promise = std::make_shared<std::promise<Result>>();
    auto future = promise->get_future();
    daemon_->shards().shard(ref->shard).Post(
        [promise, fn, tenant = ref->tenant](routing::Router& router) { promise->set_value(fn(router.tenant(tenant))); });
    EXPECT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    return future.get();
  }
  // The tenant's open sessions, by id.
  std::vector<RouterSession> Sessions();
  std::optional<RouterSession> SessionOf(std::string_view customer);
  // The customers of a queue's waiting sessions, in service order.
  std::vector<std::string> WaitingCustomers(std::string_view queue);
  std::size_t TotalMessages();
  // Waits until the router's sessions hold `n` messages in all.
  void WaitForMessages(std::size_t n);

  // Opens the agent's WebSocket, signs in and goes ready.
  std::unique_ptr<gateway_test::AgentConnection> ConnectReady(std::string_view employee, std::string_view token);

  // A probe on the test's storage; null (and a failure) when it cannot open.
  std::unique_ptr<DatabaseProbe> Probe();

  daemon::Daemon& daemon() { return *daemon_; }

 private:
  storage::testing::TempDir data_dir_;
  DurabilityConfig storage_;  // backend and url only
  DurabilityConfig config_;
  std::unique_ptr<daemon::Daemon> daemon_;
  std::unique_ptr<gateway_test::HttpClient> http_;
};

}  // namespace routerd::durability
