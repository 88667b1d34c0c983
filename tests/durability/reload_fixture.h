// The fixture of the reload tests (reload_test.cc, reload_members_test.cc):
// routerd started on the durability configuration, its file rewritten and
// reloaded by SIGHUP or POST /api/v1/operator/reload, and what the tests poll
// for (a token's answer, an agent's state, a line of the log).
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <string_view>
#include <thread>

#include "tests/durability/durability_config.h"
#include "tests/durability/routerd_process.h"
#include "tests/gateway/gateway_fixture.h"
#include "tests/gateway/test_clients.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::durability {

inline constexpr auto kWait = std::chrono::seconds(10);
inline constexpr std::string_view kNewA2Token = "acme-a2-reloaded-token";
inline constexpr std::string_view kOperatorToken = "operator-token-of-ops";
inline constexpr std::string_view kNewOperatorToken = "operator-token-rotated";

inline std::string OperatorTokenToml(std::string_view name, std::string_view token) {
  return "\n[[operator_tokens]]\nname = \"" + std::string(name) + "\"\ntoken_sha256 = \"" +
         gateway_test::Sha256Hex(token) + "\"\n";
}

// acme's web channel under webhook traffic, one request after another on a
// thread of its own until Stop: how many were sent, and how many were not
// answered 200.
class WebTraffic {
 public:
  WebTraffic(std::uint16_t port, std::string event_prefix)
      : thread_([this, port, prefix = std::move(event_prefix)] {
          gateway_test::HttpClient http(port);
          for (int i = 0; !stop_.load(); ++i) {
            const Delivery d = Deliver(http, WebEvent(kWebChannel, prefix + std::to_string(i), "message",
                                                      "visitor-" + std::to_string(i % 50), "hello"));
            ++sent_;
            if (d.status != 200) ++failed_;
          }
        }) {}
  ~WebTraffic() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int sent() const { return sent_.load(); }
  int failed() const { return failed_.load(); }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> sent_{0}, failed_{0};
  std::thread thread_;  // last: it starts once the counters exist
};

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
  // An agent's state as the tenant admin reads it.
  std::string StateOf(std::string_view agent) {
    gateway_test::HttpClient http(runner_.port());
    auto reply = http.Send("GET", "/api/v1/agents/" + std::string(agent) + "/state", {}, Bearer(kAdminToken));
    return reply.ok() ? reply->body : std::string();
  }
  bool WaitState(std::string_view agent, std::string_view text) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (std::chrono::steady_clock::now() < deadline) {
      if (StateOf(agent).find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  // The file's text with `from` replaced by `to` (which must be there).
  static void Replace(std::string& text, std::string_view from, std::string_view to) {
    const std::size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
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

  // Starts routerd on the durability configuration (with an operator token
  // when `with_operator`); the configuration it runs.
  DurabilityConfig StartDaemon(bool with_operator) {
    DurabilityConfig config;
    config.data_dir = dir_.path() + "/data";
    config.log_level = "info";
    if (with_operator) config.extra_toml = OperatorTokenToml("ops", kOperatorToken);
    const Status started = runner_.Start(config);
    EXPECT_TRUE(started.ok()) << started.ToString();
    config.port = runner_.port();
    return config;
  }

  gateway_test::HttpReply Reload(std::string_view token, std::string_view method = "POST") {
    gateway_test::HttpClient http(runner_.port());
    auto reply = http.Send(method, "/api/v1/operator/reload", {}, Bearer(token));
    EXPECT_TRUE(reply.ok()) << reply.status().ToString();
    return reply.ok() ? *reply : gateway_test::HttpReply{};
  }

  storage::testing::TempDir dir_;
  RouterdRunner runner_;
};

}  // namespace routerd::durability
