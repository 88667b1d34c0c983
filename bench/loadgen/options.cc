#include "bench/loadgen/options.h"

#include <cmath>
#include <cstdlib>
#include <string_view>

#include "bench/loadgen/traffic.h"

namespace routerd::loadgen {
namespace {

StatusOr<double> Number(std::string_view option, const std::string& text, double min, double max) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v) || v < min || v > max) {
    return Status::InvalidArgument(std::string(option) + ": '" + text + "' is not a number in [" +
                                   std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return v;
}

StatusOr<std::uint64_t> Integer(std::string_view option, const std::string& text, std::uint64_t min,
                                std::uint64_t max, int base = 10) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text.c_str(), &end, base);
  if (text.empty() || text[0] == '-' || *end != '\0' || v < min || v > max) {
    return Status::InvalidArgument(std::string(option) + ": '" + text + "' is not an integer in [" +
                                   std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return static_cast<std::uint64_t>(v);
}

}  // namespace

std::string Usage() {
  return R"(routerd-loadgen: drives a running routerd with realistic signed webhook traffic
and simulated agents, and reports acknowledgement and webhook-to-agent latency.

  routerd-loadgen --routerd-config FILE (--rate N | --closed N) [options]
  routerd-loadgen --routerd-config FILE --emit-requests FILE --count N [--mix ...]

Load:
  --rate N                 open loop: N requests/s at fixed intervals; latency counts from
                           each request's intended send time (no coordinated omission)
  --connections N          keep-alive connections for the open loop (default 64); a request
                           with none free waits, and its latency grows
  --closed N               closed loop: N connections, each sending as fast as answers come
  --duration S             measured seconds (default 10)
  --warmup S               seconds before the measurement, excluded from it (default 2)
  --drain S                after the last request, wait up to S for answers and deliveries (10)
  --timeout S              a request unanswered for S seconds is an error (default 10)
  --target HOST:PORT       the daemon (default: [server].listen of the config)
Traffic:
  --routerd-config FILE    the daemon's TOML config: channels, secrets, agents, tokens
  --mix K=W,...            channel kinds and weights, e.g. whatsapp=3,web=2,line=1
                           (default: every kind the config has, equally)
  --customers N            conversations active at once (default 1000)
  --messages-per-session M messages each customer sends before a new customer replaces it (3)
  --duplicates X           share of requests that re-send an acknowledged one byte-identically
  --receipts X             share of provider events the daemon must ignore (statuses, echoes)
Agents:
  --agents N|all           simulated agents taken from the config's agents with agent tokens
  --agent-token-template T plain token per agent, "{employee_id}" replaced (e.g. agent-{employee_id})
  --agent-tokens FILE      lines "employee_id token" ('#' comments)
  --handle-time D:MEAN     fixed:S, uniform:S (0..2S) or exp:S (default exp:1)
Reports:
  --json FILE  --csv FILE (percentile distribution)  --png FILE (needs gnuplot)
  --max-error-rate X       exit 1 when (non-2xx + connection errors + timeouts) / requests > X
  --quiet                  no progress line on stderr
  --seed N  --run-id HEX   reproducible traffic; the run id is in every provider id
Exit codes: 0 ok, 1 the error-rate gate failed, 2 usage or setup error.
)";
}

StatusOr<LoadOptions> ParseCommandLine(int argc, const char* const* argv) {
  LoadOptions o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      o.help = true;
      return o;
    }
    if (arg == "--quiet") {
      o.progress = false;
      continue;
    }
    if (!arg.starts_with("--")) return Status::InvalidArgument("unexpected argument '" + std::string(arg) + "'");
    if (i + 1 >= argc) return Status::InvalidArgument(std::string(arg) + " needs a value");
    const std::string v = argv[++i];
    auto num = [&](double min, double max, double& out) -> Status {
      auto n = Number(arg, v, min, max);
      if (!n.ok()) return n.status();
      out = *n;
      return Status::Ok();
    };
    auto integer = [&](std::uint64_t min, std::uint64_t max, auto& out) -> Status {
      auto n = Integer(arg, v, min, max);
      if (!n.ok()) return n.status();
      out = static_cast<std::remove_reference_t<decltype(out)>>(*n);
      return Status::Ok();
    };
    Status s;
    if (arg == "--routerd-config") {
      o.routerd_config = v;
    } else if (arg == "--target") {
      o.target = v;
    } else if (arg == "--rate") {
      s = num(0.001, 1e7, o.rate);
    } else if (arg == "--closed") {
      s = integer(1, 100000, o.closed);
    } else if (arg == "--connections") {
      s = integer(1, 100000, o.connections);
    } else if (arg == "--duration") {
      s = num(0.1, 86400, o.duration_s);
    } else if (arg == "--warmup") {
      s = num(0, 86400, o.warmup_s);
    } else if (arg == "--drain") {
      s = num(0, 3600, o.drain_s);
    } else if (arg == "--timeout") {
      s = num(0.01, 3600, o.timeout_s);
    } else if (arg == "--mix") {
      auto mix = ParseMix(v);
      if (!mix.ok()) return mix.status();
      o.mix = std::move(*mix);
    } else if (arg == "--customers") {
      s = integer(1, 100'000'000, o.customers);
    } else if (arg == "--messages-per-session") {
      s = integer(1, 1'000'000, o.messages_per_session);
    } else if (arg == "--duplicates") {
      s = num(0, 0.99, o.duplicates);
    } else if (arg == "--receipts") {
      s = num(0, 0.99, o.receipts);
    } else if (arg == "--agents") {
      if (v == "all") {
        o.agents = -1;
      } else {
        s = integer(0, 1'000'000, o.agents);
      }
    } else if (arg == "--agent-token-template") {
      o.agent_token_template = v;
    } else if (arg == "--agent-tokens") {
      o.agent_tokens_file = v;
    } else if (arg == "--handle-time") {
      auto h = HandleTime::Parse(v);
      if (!h.ok()) return h.status();
      o.handle_time = *h;
    } else if (arg == "--json") {
      o.json_file = v;
    } else if (arg == "--csv") {
      o.csv_file = v;
    } else if (arg == "--png") {
      o.png_file = v;
    } else if (arg == "--max-error-rate") {
      s = num(0, 1, o.max_error_rate);
    } else if (arg == "--seed") {
      s = integer(1, UINT64_MAX, o.seed);
    } else if (arg == "--run-id") {
      auto n = Integer(arg, v, 1, 0xffffffffULL, 16);
      if (!n.ok()) return n.status();
      o.run_id = static_cast<std::uint32_t>(*n);
    } else if (arg == "--emit-requests") {
      o.emit_file = v;
    } else if (arg == "--count") {
      s = integer(1, kMaxEmitCount, o.emit_count);
    } else {
      return Status::InvalidArgument("unknown option '" + std::string(arg) + "' (see --help)");
    }
    if (!s.ok()) return s;
  }
  if (o.routerd_config.empty()) return Status::InvalidArgument("--routerd-config is required");
  if (!o.emit_file.empty()) {
    if (o.emit_count == 0) return Status::InvalidArgument("--emit-requests needs --count N (at most 5000000)");
    return o;
  }
  if ((o.rate > 0) == (o.closed > 0)) return Status::InvalidArgument("give exactly one of --rate and --closed");
  return o;
}

}  // namespace routerd::loadgen
