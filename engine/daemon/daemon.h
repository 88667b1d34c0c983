// Daemon: the composition root. Owns every component, wires them through their
// narrow interfaces, and starts and stops them in order. No routing or protocol
// logic lives here.
//
// Thread safety: Start/Stop/Run from the main thread only.
#pragma once

#include <memory>

#include "engine/config/config.h"
#include "engine/console/console.h"
#include "engine/daemon/command_line.h"
#include "engine/daemon/routing_event_fanout.h"
#include "engine/gateway/agent_gateway.h"
#include "engine/gateway/api_handler.h"
#include "engine/gateway/auth.h"
#include "engine/gateway/command_broker.h"
#include "engine/http/dedup_window.h"
#include "engine/http/http_router.h"
#include "engine/http/http_server.h"
#include "engine/http/webhook_handler.h"
#include "engine/metrics/webhook_metrics.h"
#include "engine/leave/memory_leave_message_store.h"
#include "engine/metrics/routing_metrics.h"
#include "engine/routing/policy_registry.h"
#include "engine/shard/shard_set.h"
#include "routerd/adapter_registry.h"
#include "routerd/clock.h"

namespace routerd::daemon {

class Daemon {
 public:
  // `config` must have been loaded against `adapters` and `policies`.
  Daemon(config::Config config, std::unique_ptr<AdapterRegistry> adapters,
         std::unique_ptr<routing::PolicyRegistry> policies);
  ~Daemon();

  // Starts the router shards, then the HTTP server. Error when the listen
  // address cannot be used.
  Status Start();
  // Stops taking requests (those in flight finish), drains the router shards,
  // stops. Idempotent.
  void Stop();
  std::uint16_t http_port() const { return http_server_->port(); }

  const config::Config& config() const { return config_; }
  shard::ShardSet& shards() { return *shards_; }
  const metrics::RoutingMetrics& routing_metrics() const { return routing_metrics_; }
  const leave::MemoryLeaveMessageStore& leave_messages() const { return leave_messages_; }
  const metrics::WebhookMetrics& webhook_metrics() const { return *webhook_metrics_; }
  gateway::AgentGateway& agent_gateway() { return *agent_gateway_; }

 private:
  const config::Config config_;
  std::unique_ptr<AdapterRegistry> adapters_;
  std::unique_ptr<routing::PolicyRegistry> policies_;
  SystemClock clock_;
  metrics::RoutingMetrics routing_metrics_;
  leave::MemoryLeaveMessageStore leave_messages_;
  RoutingEventFanout fanout_;
  std::unique_ptr<shard::ShardSet> shards_;
  std::unique_ptr<metrics::WebhookMetrics> webhook_metrics_;
  http::DedupWindow dedup_;
  std::unique_ptr<http::WebhookHandler> webhooks_;
  std::unique_ptr<gateway::Authenticator> auth_;
  std::unique_ptr<gateway::CommandBroker> broker_;
  std::unique_ptr<gateway::AgentGateway> agent_gateway_;
  std::unique_ptr<gateway::ApiHandler> api_;
  std::unique_ptr<console::Console> console_;
  std::unique_ptr<http::HttpRouter> router_;
  std::unique_ptr<http::HttpServer> http_server_;
  bool running_ = false;

  void RenderMetrics(metrics::PrometheusWriter& out) const;
};

// The whole program: parses the command line, loads the configuration, runs
// until SIGINT or SIGTERM. Returns the process exit code (0 ok, 2 bad
// configuration or usage, 1 failure at start-up).
int Main(int argc, const char* const* argv);

}  // namespace routerd::daemon
