// GatewayTest: runs the real daemon in-process on an ephemeral loopback port
// and drives it as agents, tenant admins and a web widget backend would: real
// WebSockets, real HTTP, signed webhooks.
//
// The configuration (GatewayToml) has two tenants:
//   acme:   OUs support > tier1; skill queues chat (least_busy), billing
//           (longest_idle), phone (voice); agents a1, a2 (tier1, chat),
//           a3 (support, versatile, billing), v1 (voice); web channels
//           acme-web -> chat and acme-billing -> billing; tokens for the
//           admin and a1..a3.
//   globex: OU ops, queue chat, agent g1, web channel globex-web; tokens for
//           its admin and g1.
// GatewayConfig changes the few values that single tests need.
//
// Waits are bounded: every read of a frame or a condition gives up after
// kWait and fails the test.
//
// Thread safety: the test thread only.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tests/storage/storage_test_util.h"
#include "engine/daemon/daemon.h"
#include "tests/gateway/test_clients.h"

namespace routerd::gateway_test {

inline constexpr auto kWait = std::chrono::seconds(10);

inline constexpr std::string_view kAcmeAdmin = "acme-admin-token";
inline constexpr std::string_view kA1Token = "acme-a1-token";
inline constexpr std::string_view kA2Token = "acme-a2-token";
inline constexpr std::string_view kA3Token = "acme-a3-token";
inline constexpr std::string_view kGlobexAdmin = "globex-admin-token";
inline constexpr std::string_view kG1Token = "globex-g1-token";

inline constexpr std::string_view kAcmeWeb = "acme-web";
inline constexpr std::string_view kAcmeBilling = "acme-billing";
inline constexpr std::string_view kGlobexWeb = "globex-web";
// What the web widget sends as sent_at (ms).
inline constexpr std::int64_t kSentAtMs = 1718000000123;

struct GatewayConfig {
  int grace_seconds = 60;
  int outbox_limit = 1024;
  int tenant_cap = 5;
  std::optional<int> a1_cap;
  std::optional<int> a2_cap;
  int billing_max_waiting = 1000;  // the billing queue's length limit (overflow: leave message)
  int chat_wrap_up_seconds = 0;    // the chat queue's after-contact work
  // acme's [tenants.dialer] url (with secret kDialerSecret); none when empty.
  std::string dialer_url;
  // [server] auth_failure_burst / auth_failures_per_minute; unset: the defaults.
  std::optional<int> auth_failure_burst;
  std::optional<int> auth_failures_per_minute;
  // The body of acme's [tenants.personal_settings] (TOML lines); none when empty.
  std::string acme_personal_settings;
};

inline constexpr std::string_view kDialerSecret = "acme-dialer-test-secret";

std::string GatewayToml(const GatewayConfig& config);

// One agent's WebSocket, with the frames read but not yet consumed.
class AgentConnection {
 public:
  AgentConnection(std::unique_ptr<WsClient> ws, std::string employee_id)
      : ws_(std::move(ws)), employee_id_(std::move(employee_id)) {}

  // The next frame, in arrival order (failure when none comes within kWait).
  JsonDoc Next();
  // The first frame of this type, earlier ones of other types kept for later.
  JsonDoc NextOfType(std::string_view type);
  // Sends {"id":<n>, <fields>} and returns its ack or error (other frames are kept).
  JsonDoc Request(std::string_view fields);
  // Request that must be acknowledged.
  void Ack(std::string_view fields);
  // Reads until the server closes the connection; false if it stays open for kWait.
  bool WaitClosed();
  void Abort() { ws_->Abort(); }

  std::size_t unread() const { return pending_.size(); }
  const std::string& employee_id() const { return employee_id_; }
  WsClient& ws() { return *ws_; }

 private:
  std::optional<JsonDoc> ReadFrame(std::chrono::steady_clock::time_point deadline);

  std::unique_ptr<WsClient> ws_;
  std::string employee_id_;
  std::deque<JsonDoc> pending_;
  int next_id_ = 1;
};

// Opens the agent's WebSocket on 127.0.0.1:port, signs it in and makes it
// ready; its state frames up to "ready" are read.
std::unique_ptr<AgentConnection> ConnectReadyAgent(std::uint16_t port, std::string_view employee,
                                                   std::string_view token);

class GatewayTest : public ::testing::Test {
 protected:
  void StartDaemon(const GatewayConfig& config = {});
  // Stops the daemon (as on SIGTERM) and starts a new one on the same data directory.
  void RestartDaemon(const GatewayConfig& config = {});
  void TearDown() override;

  // An HTTP request with "Authorization: Bearer <token>" (none when empty).
  HttpReply Api(std::string_view method, std::string_view target, std::string_view token, std::string body = {});
  // The same with the caller's headers (e.g. a multipart Content-Type).
  HttpReply Api(std::string_view method, std::string_view target, std::string_view token, std::string body,
                Headers headers);
  // A web widget message, signed with the channel's secret; must be answered
  // 200. Returns its event id (the message id agents see).
  std::string DeliverWeb(std::string_view channel, std::string_view customer, std::string_view name, std::string_view text);
  // Any web widget event body, signed with the channel's secret; must be answered 200.
  void DeliverWebEvent(std::string_view channel, const std::string& body);
  // The upgrade to /api/v1/agents/{employee}/ws; returns the HTTP status.
  int UpgradeStatus(std::string_view target, std::string_view token, std::string* body = nullptr);
  // Opens the agent's WebSocket (101 expected) and reads nothing.
  std::unique_ptr<AgentConnection> Open(std::string_view employee, std::string_view token, int receive_buffer = 0);
  // Opens it and checks the first frame: its `state`.
  std::unique_ptr<AgentConnection> Connect(std::string_view employee, std::string_view token,
                                           int receive_buffer = 0);
  // Connects, signs in and goes ready over the WebSocket; the state frames
  // those produce are consumed.
  std::unique_ptr<AgentConnection> ConnectReady(std::string_view employee, std::string_view token);
  // A sample of /metrics, by its full name with labels.
  std::optional<std::uint64_t> Metric(std::string_view sample);
  // Polls /metrics until the sample satisfies `done` (bounded by kWait).
  bool WaitForMetric(std::string_view sample, const std::function<bool(std::uint64_t)>& done);

  daemon::Daemon& daemon() { return *daemon_; }
  std::uint16_t port() const { return daemon_->http_port(); }

 private:
  storage::testing::TempDir data_dir_;  // a fresh database per test
  std::unique_ptr<daemon::Daemon> daemon_;
  std::unique_ptr<HttpClient> http_;
  std::uint64_t next_event_ = 1;
};

}  // namespace routerd::gateway_test
