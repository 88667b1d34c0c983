// SIGHUP through the real executable, under webhook traffic: a valid file's
// token changes apply at once (a removed token's WebSocket is closed with
// 4003, a new token works), other changes are named as waiting for a restart,
// an invalid file changes nothing, and no webhook request fails meanwhile.
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <thread>

#include "tests/durability/durability_config.h"
#include "tests/durability/routerd_process.h"
#include "tests/gateway/test_clients.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::durability {
namespace {

constexpr auto kWait = std::chrono::seconds(10);
constexpr std::string_view kNewA2Token = "acme-a2-reloaded-token";

class ReloadTest : public ::testing::Test {
 protected:
  ReloadTest() : runner_(dir_.path()) {}

  void Write(const std::string& text) {
    std::ofstream out(runner_.config_path(), std::ios::trunc);
    out << text;
    ASSERT_TRUE(out.good());
  }
  int StatusOf(std::string_view token) {
    gateway_test::HttpClient http(runner_.port());
    auto reply = http.Send("GET", "/api/v1/agents/a2/state", {}, Bearer(token));
    return reply.ok() ? reply->status : 0;
  }
  // Polls until `token` is answered `status` (a reload runs when the signal
  // is handled, shortly after it is sent).
  bool WaitStatus(std::string_view token, int status) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (std::chrono::steady_clock::now() < deadline) {
      if (StatusOf(token) == status) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  bool WaitOutput(std::string_view text) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (std::chrono::steady_clock::now() < deadline) {
      if (runner_.process().Output().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  storage::testing::TempDir dir_;
  RouterdRunner runner_;
};

TEST_F(ReloadTest, SighupAppliesTokensLiveUnderTrafficAndAnInvalidFileChangesNothing) {
  DurabilityConfig config;
  config.data_dir = dir_.path() + "/data";
  config.log_level = "info";
  const Status started = runner_.Start(config);
  ASSERT_TRUE(started.ok()) << started.ToString();
  config.port = runner_.port();

  gateway_test::WsClient a2(runner_.port());
  ASSERT_EQ(*a2.Connect("/api/v1/agents/a2/ws", kA2Token, kWait), 101);
  ASSERT_TRUE(a2.Read(kWait).ok());  // its state

  // Traffic throughout: every webhook request must be answered 200.
  std::atomic<bool> stop{false};
  std::atomic<int> sent{0}, failed{0};
  std::thread traffic([&] {
    gateway_test::HttpClient http(runner_.port());
    for (int i = 0; !stop.load(); ++i) {
      const Delivery d = Deliver(http, WebEvent(kWebChannel, "reload-" + std::to_string(i), "message",
                                                "visitor-" + std::to_string(i % 50), "hello"));
      ++sent;
      if (d.status != 200) ++failed;
    }
  });

  // a2's token replaced, and the tenant's cap changed (that waits for a restart).
  std::string text = DurabilityToml(config);
  const std::string old_digest = gateway_test::Sha256Hex(kA2Token);
  ASSERT_NE(text.find(old_digest), std::string::npos);
  text.replace(text.find(old_digest), old_digest.size(), gateway_test::Sha256Hex(kNewA2Token));
  DurabilityConfig bigger = config;
  bigger.tenant_cap = config.tenant_cap + 2;
  const std::string cap_line = "max_concurrent_sessions = " + std::to_string(config.tenant_cap);
  ASSERT_NE(text.find(cap_line), std::string::npos);
  text.replace(text.find(cap_line), cap_line.size(), "max_concurrent_sessions = " + std::to_string(bigger.tenant_cap));
  Write(text);
  runner_.process().Signal(SIGHUP);

  EXPECT_FALSE(a2.Read(kWait).ok());
  EXPECT_EQ(a2.close_code(), 4003) << "the removed token's connection is closed saying why";
  EXPECT_TRUE(WaitStatus(kA2Token, 401));
  EXPECT_EQ(StatusOf(kNewA2Token), 200);
  EXPECT_EQ(StatusOf(kAdminToken), 200) << "tokens the file kept still work";
  EXPECT_TRUE(WaitOutput("file tokens 1 added, 1 removed (1 agent connections closed)")) << runner_.process().Output();
  EXPECT_TRUE(WaitOutput("not applied until a restart: tenant 'acme': max_concurrent_sessions"))
      << runner_.process().Output();

  // An invalid file: the reload is refused, naming the line; nothing changes.
  Write(text + "\n[[tenants]]\nid = \"acme\"\nsurprise = 1\n");
  runner_.process().Signal(SIGHUP);
  EXPECT_TRUE(WaitOutput("refused: ")) << runner_.process().Output();
  EXPECT_TRUE(WaitOutput("unknown key 'surprise'")) << runner_.process().Output();
  EXPECT_TRUE(runner_.process().Running());
  EXPECT_EQ(StatusOf(kNewA2Token), 200);

  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  stop = true;
  traffic.join();
  EXPECT_GT(sent.load(), 0);
  EXPECT_EQ(failed.load(), 0) << "of " << sent.load() << " webhook requests";
  EXPECT_EQ(runner_.Terminate(), 0) << runner_.process().Output();
}

}  // namespace
}  // namespace routerd::durability
