// The program: command line, configuration, signals, the daemon's life.
#include <cstdio>
#include <functional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include "engine/config/config_loader.h"
#include "engine/config/config_summary.h"
#include "engine/daemon/daemon.h"
#include "routerd/builtin_adapters.h"

namespace routerd::daemon {

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
  auto created = Daemon::Create(std::move(*loaded.config), std::move(adapters), std::move(policies));
  if (!created.ok()) {
    // stderr, like configuration errors: the log may be elsewhere.
    std::fprintf(stderr, "routerd: cannot start: %s\n", created.status().message().c_str());
    return 1;
  }
  Daemon& daemon = **created;
  // Installed before the daemon starts (and before it says so): a SIGTERM or
  // SIGINT that arrives during start-up drains and stops like any other, and a
  // SIGHUP waits to reload, instead of killing the process with the signal's
  // default action. SIGINT and SIGTERM end main_io.run(); SIGHUP reloads the
  // configuration file and waits for the next signal.
  boost::asio::io_context main_io(1);
  boost::asio::signal_set signals(main_io, SIGINT, SIGTERM, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_signal = [&](const boost::system::error_code& ec,
                                                                              int signo) {
    if (ec) return;
    if (signo != SIGHUP) {
      spdlog::info("signal {} received: draining", signo);
      return;
    }
    spdlog::info("signal {} received: reloading {}", signo, daemon.config().source_path);
    try {
      daemon.Reload();
    } catch (const std::exception& e) {
      spdlog::error("reload failed, nothing more changed: {}", e.what());
    }
    signals.async_wait(on_signal);
  };
  signals.async_wait(on_signal);
  if (Status s = daemon.Start(); !s.ok()) {
    std::fprintf(stderr, "routerd: cannot start: %s\n", s.message().c_str());
    return 1;
  }
  LogStartupSummary(daemon.config(), daemon.http_port());
  const Daemon::Recovery& r = daemon.recovery();
  spdlog::info("storage {}: restored {} waiting and {} assigned session(s), {} contact(s) to route, {} dedup key(s), "
               "{} leave message(s){}",
               config::ResolvedDataDir(daemon.config()), r.waiting_sessions, r.assigned_sessions, r.pending_contacts,
               r.dedup_keys, r.leave_messages,
               r.skipped ? fmt::format("; {} skipped (tenant or channel no longer configured)", r.skipped) : "");

  main_io.run();

  daemon.Stop();
  const auto& m = daemon.routing_metrics();
  const storage::JournalStats j = daemon.storage().stats();
  spdlog::info("routerd stopped: {} assignment(s), {} journal record(s) in {} commit(s)", m.assigned(), j.records,
               j.commits);
  return 0;
}

}  // namespace routerd::daemon
