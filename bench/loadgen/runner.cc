#include "bench/loadgen/runner.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "bench/loadgen/load_run.h"

namespace routerd::loadgen {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

StatusOr<tcp::endpoint> Resolve(net::io_context& io, const std::string& address) {
  const std::size_t colon = address.rfind(':');
  if (colon == std::string::npos) return Status::InvalidArgument("target '" + address + "' is not host:port");
  std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  tcp::resolver resolver(io);
  boost::system::error_code ec;
  auto results = resolver.resolve(host, port, ec);
  if (ec || results.empty()) {
    return Status::InvalidArgument("cannot resolve target '" + address + "': " + ec.message());
  }
  return results.begin()->endpoint();
}

}  // namespace

std::string TargetAddress(const LoadOptions& options, const RouterdConfig& config) {
  if (!options.target.empty()) return options.target;
  std::string listen = config.listen;
  const std::size_t colon = listen.rfind(':');
  const std::string host = colon == std::string::npos ? listen : listen.substr(0, colon);
  if (host == "0.0.0.0" || host.empty()) return "127.0.0.1" + listen.substr(colon);
  if (host == "[::]") return "[::1]" + listen.substr(colon);
  return listen;
}

StatusOr<RunReport> RunLoad(const LoadOptions& options, RouterdConfig config) {
  std::vector<AgentSpec> agents;
  if (options.agents != 0) {
    const std::size_t want = options.agents < 0 ? config.agents.size() : static_cast<std::size_t>(options.agents);
    if (want > config.agents.size()) {
      return Status::InvalidArgument("--agents " + std::to_string(want) + ": the config has only " +
                                     std::to_string(config.agents.size()) +
                                     " agents with an agent token that serve a queue a channel routes to");
    }
    agents.assign(config.agents.begin(), config.agents.begin() + static_cast<std::ptrdiff_t>(want));
    ROUTERD_RETURN_IF_ERROR(ResolveAgentTokens(agents, options.agent_token_template, options.agent_tokens_file));
  }
  TrafficOptions t;
  t.mix = options.mix;
  t.customers = options.customers;
  t.messages_per_session = options.messages_per_session;
  t.duplicates = options.duplicates;
  t.receipts = options.receipts;
  std::random_device entropy;
  t.seed = options.seed != 0 ? options.seed : (static_cast<std::uint64_t>(entropy()) << 32 | entropy());
  t.run_id = options.run_id;
  while (t.run_id == 0) t.run_id = entropy();
  const std::string target = TargetAddress(options, config);
  auto traffic = TrafficModel::Create(std::move(config.channels), t, target);
  if (!traffic.ok()) return traffic.status();

  net::io_context resolver_io;
  auto endpoint = Resolve(resolver_io, target);
  if (!endpoint.ok()) return endpoint.status();
  LoadRun run(options, std::move(*traffic), *endpoint, target, std::move(agents));
  return run.Execute();
}

StatusOr<std::uint64_t> EmitRequests(const LoadOptions& options, const RouterdConfig& config) {
  TrafficOptions t;
  t.mix = options.mix;
  t.customers = options.customers;
  t.messages_per_session = options.messages_per_session;
  t.receipts = options.receipts;
  t.duplicates = 0;  // the file is for unique requests; wrk repeats it only if it runs out
  std::random_device entropy;
  t.seed = options.seed != 0 ? options.seed : (static_cast<std::uint64_t>(entropy()) << 32 | entropy());
  t.run_id = options.run_id;
  while (t.run_id == 0) t.run_id = entropy();
  auto traffic = TrafficModel::Create(config.channels, t, TargetAddress(options, config));
  if (!traffic.ok()) return traffic.status();
  std::FILE* out = std::fopen(options.emit_file.c_str(), "wb");
  if (out == nullptr) return Status::Unavailable("cannot write '" + options.emit_file + "'");
  std::uint64_t bytes = 0;
  for (std::uint64_t i = 0; i < options.emit_count; ++i) {
    const PlannedRequest r = (*traffic)->Next(WallMs());
    const std::string head = std::to_string(r.bytes->size()) + "\n";
    std::fwrite(head.data(), 1, head.size(), out);
    std::fwrite(r.bytes->data(), 1, r.bytes->size(), out);
    bytes += head.size() + r.bytes->size();
  }
  // On disk before the benchmark that reads it starts: the kernel would
  // otherwise write these hundreds of megabytes back about 30 s later, in
  // the middle of a measurement, and on ext4 (data=ordered) every fsync of
  // routerd's journal would wait behind them (sync acks then stall for
  // hundreds of milliseconds: bench/README.md, "Sync's stalls, found").
  const bool written = std::fflush(out) == 0 && std::ferror(out) == 0 && ::fsync(::fileno(out)) == 0;
  if (std::fclose(out) != 0 || !written) {
    return Status::Unavailable("writing '" + options.emit_file + "' failed: " + std::strerror(errno));
  }
  return bytes;
}

}  // namespace routerd::loadgen
