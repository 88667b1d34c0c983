// WebhookIntegrationTest: a gtest fixture that runs the real daemon in-process
// on an ephemeral loopback port (integration_config.h), with an HTTP client
// connected to it and views of the routing state read on the shard thread.
//
// Ordering the tests rely on: the webhook handler hands contacts to the
// tenant's shard queue before it answers, and a shard runs its drains and
// Post()ed functions in order, so a snapshot taken after a response sees
// everything that request submitted. Positive conditions are still polled
// (bounded) so that a slow machine only makes the test slower.
//
// Thread safety: the fixture is used from the test thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "tests/storage/storage_test_util.h"
#include "engine/daemon/daemon.h"
#include "engine/routing/routing_events.h"
#include "engine/shard/shard_set.h"
#include "tests/integration/http_client.h"
#include "tests/integration/provider_requests.h"

namespace routerd::integration {

// One open session as the router holds it.
struct SessionInfo {
  std::uint64_t id = 0;
  std::string channel_id;  // from the tenant's channel list, by the session's channel index
  std::string queue_id;
  std::string agent;       // employee id; empty while the session waits
  std::size_t messages = 0;
  // From the session's first contact.
  std::string channel_kind;
  std::string customer_id;
  std::string display_name;
  std::string text;
  std::string provider_message_id;
};

struct RouterSnapshot {
  std::vector<SessionInfo> sessions;  // sorted by (channel_id, customer_id)
  std::map<std::string, routing::AgentState> agents;

  // The session of (channel, customer), or nullptr.
  const SessionInfo* Find(std::string_view channel_id, std::string_view customer_id) const;
  std::size_t total_messages() const;
};

class WebhookIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  daemon::Daemon& daemon() { return *daemon_; }
  HttpClient& client() { return *client_; }

  // Sends and fails the test (returning a result with status 0) when no
  // response arrives.
  HttpResult Send(std::string_view method, std::string_view target, std::string body = {},
                  const HttpClient::Headers& headers = {});

  HttpResult Deliver(const ProviderRequest& request) {
    return Send(request.method, request.target, request.body, request.headers);
  }

  // The tenant's routing state, read on its shard thread.
  RouterSnapshot Snapshot();
  // Polls Snapshot() until `done` holds (at most a few seconds); records a
  // failure naming `what` if it never does. Returns the last snapshot.
  RouterSnapshot WaitFor(const std::function<bool(const RouterSnapshot&)>& done, std::string_view what);
  // Waits until the router holds exactly `n` messages in open sessions.
  RouterSnapshot WaitForMessages(std::size_t n);

  // Signs the agent in and makes it ready through the command queue, and
  // waits until the router says it is ready.
  void SignInReady(std::string_view employee_id);

  // The value of one sample of GET /metrics, e.g.
  // MetricValue("routerd_webhook_contacts_accepted_total{kind=\"line\"}");
  // nullopt when the sample is absent.
  std::optional<std::uint64_t> MetricValue(std::string_view sample);

  // The bytes of a file of tests/fixtures/ (e.g. "line/sdk_text.json"),
  // exactly as stored; the tests sign and send them unchanged.
  static std::string Fixture(std::string_view relative_path);

 private:
  storage::testing::TempDir data_dir_;  // a fresh database per test
  std::unique_ptr<daemon::Daemon> daemon_;
  std::unique_ptr<HttpClient> client_;
  // Declared after daemon_ so it is destroyed first: its producer tokens
  // belong to the shard queues.
  std::unique_ptr<shard::ShardSet::Producer> producer_;
};

}  // namespace routerd::integration
