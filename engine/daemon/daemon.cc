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
      fanout_(clock_, leave_messages_) {
  fanout_.Add(&routing_metrics_);
  shards_ = std::make_unique<shard::ShardSet>(config_, *policies_, shard::ShardOptionsFromConfig(config_.server),
                                              clock_, fanout_);
}

Daemon::~Daemon() { Stop(); }

void Daemon::Start() {
  shards_->Start();
  running_ = true;
}

void Daemon::Stop() {
  if (!running_) return;
  running_ = false;
  shards_->Stop();
}

namespace {

void LogStartupSummary(const config::Config& c) {
  std::size_t agents = 0, channels = 0, queues = 0;
  for (const auto& t : c.tenants) {
    agents += t.agents.size();
    channels += t.channels.size();
    queues += t.skill_queues.size();
  }
  spdlog::info("routerd started: config {}, {} router shard(s), {} I/O thread(s)", c.source_path,
               c.server.router_shards, c.server.io_threads);
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
  daemon.Start();
  LogStartupSummary(daemon.config());

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
