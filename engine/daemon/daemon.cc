#include "engine/daemon/daemon.h"

#include <cstdio>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include "engine/config/config_loader.h"
#include "engine/config/config_summary.h"
#include "routerd/builtin_adapters.h"

namespace routerd::daemon {

Daemon::Daemon(config::Config config, std::unique_ptr<AdapterRegistry> adapters,
               std::unique_ptr<routing::PolicyRegistry> policies)
    : config_(std::move(config)),
      adapters_(std::move(adapters)),
      policies_(std::move(policies)),
      fanout_(clock_, leave_messages_),
      dedup_(static_cast<std::int64_t>(config_.server.dedup_window_seconds) * 1000,
             static_cast<std::size_t>(config_.server.dedup_max_entries)) {
  fanout_.Add(&routing_metrics_);
  shards_ = std::make_unique<shard::ShardSet>(config_, *policies_, shard::ShardOptionsFromConfig(config_.server),
                                              clock_, fanout_);
  webhook_metrics_ = std::make_unique<metrics::WebhookMetrics>(adapters_->Kinds());
  const auto& server = config_.server;
  webhooks_ = std::make_unique<http::WebhookHandler>(config_, *shards_, dedup_, leave_messages_, *webhook_metrics_,
                                                     clock_, server.io_threads);
  auth_ = std::make_unique<gateway::Authenticator>(config_);
  broker_ = std::make_unique<gateway::CommandBroker>(*shards_);
  agent_gateway_ = std::make_unique<gateway::AgentGateway>(
      config_, *shards_, *broker_, std::chrono::seconds(server.agent_grace_seconds),
      static_cast<std::size_t>(server.agent_outbox_limit));
  api_ = std::make_unique<gateway::ApiHandler>(*auth_, *shards_, *broker_, *agent_gateway_, clock_);
  fanout_.Add(broker_.get());
  fanout_.Add(agent_gateway_.get());
  console_ = std::make_unique<console::Console>(config_, *shards_, *auth_, clock_);
  fanout_.Add(console_->feed());
  router_ = std::make_unique<http::HttpRouter>(
      *webhooks_,
      std::vector<http::HttpRouter::MetricsRenderer>{[this](metrics::PrometheusWriter& out) { RenderMetrics(out); }},
      [this](http::HttpRequest& request, std::string_view path, http::RequestContext& ctx) {
        return api_->Handle(request, path, ctx);
      },
      [this](http::HttpRequest& request, std::string_view path, http::RequestContext& ctx) {
        return console_->Handle(request, path, ctx);
      });
  http::HttpServerOptions options;
  options.listen = server.listen;
  options.io_threads = server.io_threads;
  options.max_body_bytes = static_cast<std::size_t>(server.max_body_bytes);
  options.max_header_bytes = static_cast<std::size_t>(server.max_header_bytes);
  options.read_timeout = std::chrono::seconds(server.read_timeout_seconds);
  options.idle_timeout = std::chrono::seconds(server.idle_timeout_seconds);
  options.shutdown_grace = std::chrono::seconds(server.shutdown_grace_seconds);
  http_server_ = std::make_unique<http::HttpServer>(options, *router_);
}

Daemon::~Daemon() { Stop(); }

Status Daemon::Start() {
  agent_gateway_->Start();
  shards_->Start();
  console_->Start();
  running_ = true;
  if (Status s = http_server_->Start(); !s.ok()) {
    Stop();
    return s;
  }
  return Status::Ok();
}

void Daemon::Stop() {
  if (!running_) return;
  running_ = false;
  // Agent WebSockets and console feeds are not HTTP requests in flight: close
  // them first, or the HTTP server's I/O threads never run out of work.
  agent_gateway_->CloseConnections();
  console_->Stop();
  // Requests in flight finish and are handed to the shards, which then drain.
  http_server_->Stop();
  webhooks_->FlushAll();
  shards_->Stop();
  agent_gateway_->Stop();
}

void Daemon::RenderMetrics(metrics::PrometheusWriter& out) const {
  webhook_metrics_->Render(out);
  const auto& r = routing_metrics_;
  out.Family("routerd_router_assignments_total", "counter", "Sessions assigned to agents.");
  out.Sample("routerd_router_assignments_total", {}, r.assigned());
  out.Family("routerd_router_messages_to_agents_total", "counter", "Contacts delivered to the agent of their session.");
  out.Sample("routerd_router_messages_to_agents_total", {}, r.messages_to_agents());
  out.Family("routerd_router_sessions_ended_total", "counter", "Sessions that left their agent, by reason.");
  for (auto reason : {routing::EndReason::kClosed, routing::EndReason::kIdleTimeout, routing::EndReason::kRequeued,
                      routing::EndReason::kTransferred}) {
    out.Sample("routerd_router_sessions_ended_total", {{"reason", routing::EndReasonName(reason)}}, r.ended(reason));
  }
  out.Family("routerd_router_leave_messages_total", "counter", "Sessions that became leave messages, by reason.");
  for (auto reason : {routing::LeaveReason::kQueueFull, routing::LeaveReason::kMaxWait,
                      routing::LeaveReason::kIdleTimeout}) {
    out.Sample("routerd_router_leave_messages_total", {{"reason", routing::LeaveReasonName(reason)}},
               r.leave_messages(reason));
  }
  out.Family("routerd_router_command_errors_total", "counter", "Agent commands the router refused.");
  out.Sample("routerd_router_command_errors_total", {}, r.command_errors());
  out.Family("routerd_shard_queue_depth", "gauge", "Items waiting in a router shard's queues (approximate).");
  for (std::uint32_t i = 0; i < shards_->size(); ++i) {
    out.Sample("routerd_shard_queue_depth", {{"shard", std::to_string(i)}},
               static_cast<std::uint64_t>(shards_->shard(i).QueueDepthApprox()));
  }
  out.Family("routerd_shard_inputs_total", "counter", "Contacts and commands a router shard processed.");
  for (std::uint32_t i = 0; i < shards_->size(); ++i) {
    out.Sample("routerd_shard_inputs_total", {{"shard", std::to_string(i)}},
               shards_->shard(i).counters().inputs.load(std::memory_order_relaxed));
  }
  out.Family("routerd_shard_drains_total", "counter", "Times a router shard woke to drain its queues.");
  for (std::uint32_t i = 0; i < shards_->size(); ++i) {
    out.Sample("routerd_shard_drains_total", {{"shard", std::to_string(i)}},
               shards_->shard(i).counters().drains.load(std::memory_order_relaxed));
  }
  out.Family("routerd_shard_rejected_full_total", "counter", "Hand-offs refused because a shard queue was full.");
  for (std::uint32_t i = 0; i < shards_->size(); ++i) {
    out.Sample("routerd_shard_rejected_full_total", {{"shard", std::to_string(i)}},
               shards_->shard(i).counters().rejected_full.load(std::memory_order_relaxed));
  }
  const auto& h = http_server_->counters();
  out.Family("routerd_http_connections_total", "counter", "TCP connections accepted.");
  out.Sample("routerd_http_connections_total", {}, h.connections.load(std::memory_order_relaxed));
  out.Family("routerd_http_requests_total", "counter", "Complete HTTP requests read.");
  out.Sample("routerd_http_requests_total", {}, h.requests.load(std::memory_order_relaxed));
  out.Family("routerd_http_timeouts_total", "counter", "Connections closed by the read or idle timeout.");
  out.Sample("routerd_http_timeouts_total", {}, h.timeouts.load(std::memory_order_relaxed));
  out.Family("routerd_http_malformed_total", "counter", "Requests refused before routing (400, 413, 431).");
  out.Sample("routerd_http_malformed_total", {}, h.malformed.load(std::memory_order_relaxed));
  out.Family("routerd_http_open_connections", "gauge", "Connections open now.");
  out.Sample("routerd_http_open_connections", {}, static_cast<std::uint64_t>(http_server_->open_connections()));
  const auto& g = agent_gateway_->counters();
  out.Family("routerd_agent_messages_delivered_total", "counter", "Messages handed to agent connections.");
  out.Sample("routerd_agent_messages_delivered_total", {}, g.delivered.load(std::memory_order_relaxed));
  out.Family("routerd_agent_messages_buffered_total", "counter", "Messages kept for agents in their grace period.");
  out.Sample("routerd_agent_messages_buffered_total", {}, g.buffered.load(std::memory_order_relaxed));
  out.Family("routerd_agent_slow_disconnects_total", "counter", "Agent connections closed for falling behind.");
  out.Sample("routerd_agent_slow_disconnects_total", {}, g.slow_closed.load(std::memory_order_relaxed));
  out.Family("routerd_agent_grace_sign_outs_total", "counter", "Agents signed out after the grace period.");
  out.Sample("routerd_agent_grace_sign_outs_total", {}, g.grace_sign_outs.load(std::memory_order_relaxed));
  out.Family("routerd_agents_connected", "gauge", "Agents with an open WebSocket.");
  out.Sample("routerd_agents_connected", {}, static_cast<std::uint64_t>(agent_gateway_->connected()));
  out.Family("routerd_dedup_entries", "gauge", "Provider message ids remembered for deduplication.");
  out.Sample("routerd_dedup_entries", {}, static_cast<std::uint64_t>(dedup_.SizeApprox()));
  out.Family("routerd_leave_messages_held", "gauge", "Leave messages held in memory.");
  out.Sample("routerd_leave_messages_held", {}, static_cast<std::uint64_t>(leave_messages_.size()));
}

namespace {

void LogStartupSummary(const config::Config& c, std::uint16_t port) {
  std::size_t agents = 0, channels = 0, queues = 0;
  for (const auto& t : c.tenants) {
    agents += t.agents.size();
    channels += t.channels.size();
    queues += t.skill_queues.size();
  }
  const std::string& listen = c.server.listen;
  spdlog::info("routerd started: listening on {}:{}, config {}, {} router shard(s), {} I/O thread(s)",
               listen.substr(0, listen.rfind(':')), port, c.source_path, c.server.router_shards,
               c.server.io_threads);
  spdlog::info("{} tenant(s), {} agent(s), {} skill queue(s), {} channel(s)", c.tenants.size(), agents, queues,
               channels);
}

}  // namespace

int Main(int argc, const char* const* argv) {
  auto cl = ParseCommandLine(argc, argv);
  if (!cl.ok()) {
    std::fprintf(stderr, "routerd: %s\n%s", cl.status().message().c_str(), UsageText().c_str());
    return 2;
  }
  if (cl->mode == CommandLine::Mode::kHelp) {
    std::fputs(UsageText().c_str(), stdout);
    return 0;
  }
  if (cl->mode == CommandLine::Mode::kVersion) {
    std::puts("routerd 0.1.0");
    return 0;
  }

  auto adapters = std::make_unique<AdapterRegistry>();
  auto policies = std::make_unique<routing::PolicyRegistry>();
  if (Status s = RegisterBuiltinAdapters(*adapters); !s.ok()) {
    std::fprintf(stderr, "routerd: %s\n", s.ToString().c_str());
    return 1;
  }
  if (Status s = routing::RegisterBuiltinPolicies(*policies); !s.ok()) {
    std::fprintf(stderr, "routerd: %s\n", s.ToString().c_str());
    return 1;
  }
  config::ConfigSchema schema{adapters.get(), policies->Names()};
  config::LoadResult loaded = config::LoadConfigFile(cl->config_path, schema);
  if (!loaded.errors.empty()) {
    for (const std::string& e : loaded.errors) std::fprintf(stderr, "%s\n", e.c_str());
    std::fprintf(stderr, "routerd: %zu error(s) in %s\n", loaded.errors.size(), cl->config_path.c_str());
    return 2;
  }
  if (cl->mode == CommandLine::Mode::kCheckConfig) {
    std::fputs(config::FormatConfigSummary(*loaded.config).c_str(), stdout);
    std::printf("%s: OK\n", cl->config_path.c_str());
    return 0;
  }

  spdlog::set_level(spdlog::level::from_str(loaded.config->server.log_level));
  Daemon daemon(std::move(*loaded.config), std::move(adapters), std::move(policies));
  if (Status s = daemon.Start(); !s.ok()) {
    spdlog::critical("routerd cannot start: {}", s.message());
    return 1;
  }
  LogStartupSummary(daemon.config(), daemon.http_port());

  boost::asio::io_context main_io(1);
  boost::asio::signal_set signals(main_io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (!ec) spdlog::info("signal {} received: draining", signo);
  });
  main_io.run();

  daemon.Stop();
  const auto& m = daemon.routing_metrics();
  spdlog::info("routerd stopped: {} assignment(s), {} leave message(s) held in memory", m.assigned(),
               daemon.leave_messages().size());
  return 0;
}

}  // namespace routerd::daemon
