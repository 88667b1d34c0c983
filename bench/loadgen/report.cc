#include "bench/loadgen/report.h"

#include <unistd.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "bench/loadgen/channel_requests.h"
#include "bench/loadgen/text_literals.h"

namespace routerd::loadgen {
namespace {

constexpr double kPercentiles[] = {50, 90, 99, 99.9};

template <typename... Args>
std::string Format(const char* fmt, Args... args) {
  const int n = std::snprintf(nullptr, 0, fmt, args...);
  if (n <= 0) return std::string();
  std::string out(static_cast<std::size_t>(n), '\0');
  std::snprintf(out.data(), out.size() + 1, fmt, args...);
  return out;
}

// "850 us", "1.42 ms", "2.10 s".
std::string Duration(std::uint64_t us) {
  if (us < 1000) return Format("%llu us", static_cast<unsigned long long>(us));
  if (us < 1'000'000) return Format("%.2f ms", static_cast<double>(us) / 1e3);
  return Format("%.2f s", static_cast<double>(us) / 1e6);
}

std::string LatencyRow(const char* name, const LatencyHistogram& h) {
  if (h.count() == 0) return Format("  %-24s (none)\n", name);
  return Format("  %-24s %10s %10s %10s %10s %10s  (n=%llu)\n", name, Duration(h.ValueAtPercentile(50)).c_str(),
                Duration(h.ValueAtPercentile(90)).c_str(), Duration(h.ValueAtPercentile(99)).c_str(),
                Duration(h.ValueAtPercentile(99.9)).c_str(), Duration(h.max()).c_str(),
                static_cast<unsigned long long>(h.count()));
}

std::string JsonLatency(const LatencyHistogram& h) {
  return Format(
      "{\"count\":%llu,\"min\":%llu,\"mean\":%.1f,\"p50\":%llu,\"p90\":%llu,\"p99\":%llu,\"p999\":%llu,\"max\":%llu}",
      static_cast<unsigned long long>(h.count()), static_cast<unsigned long long>(h.min()), h.mean(),
      static_cast<unsigned long long>(h.ValueAtPercentile(50)), static_cast<unsigned long long>(h.ValueAtPercentile(90)),
      static_cast<unsigned long long>(h.ValueAtPercentile(99)),
      static_cast<unsigned long long>(h.ValueAtPercentile(99.9)), static_cast<unsigned long long>(h.max()));
}

void CsvSeries(std::string& out, const char* name, const LatencyHistogram& h) {
  for (const LatencyHistogram::Point& p : h.Distribution()) {
    out += Format("%s,%llu,%.6f,%llu,", name, static_cast<unsigned long long>(p.value_us), p.percentile,
                  static_cast<unsigned long long>(p.total));
    if (p.percentile < 100.0) out += Format("%.3f", 100.0 / (100.0 - p.percentile));
    out += "\n";
  }
}

bool HaveGnuplot() {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    const std::string candidate = dirs.substr(start, end - start) + "/gnuplot";
    if (::access(candidate.c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

std::string FormatTable(const RunReport& r) {
  std::string out;
  out += Format("\nrouterd-loadgen run %s, %s, target %s\n", r.run_id.c_str(), r.started_at.c_str(), r.target.c_str());
  if (r.mode == "open") {
    out += Format("open loop at %.0f requests/s over %d connections; ", r.target_rate, r.connections);
  } else {
    out += Format("closed loop on %d connections; ", r.connections);
  }
  out += Format("warm-up %.1f s, measured %.1f s\nmix %s\n\n", r.warmup_s, r.duration_s, r.mix.c_str());
  out += Format("requests     %llu sent, %llu answered 2xx, achieved %.0f/s",
                static_cast<unsigned long long>(r.sent), static_cast<unsigned long long>(r.ok), r.achieved_rate);
  if (r.mode == "open") out += Format(" (%.1f %% of target)", r.target_rate > 0 ? 100 * r.achieved_rate / r.target_rate : 0);
  // The achieved rate counts every answer; refusals (503 when the server's
  // storage falls behind) come back fast and would pass for throughput.
  if (r.errors() > 0 && r.duration_s > 0) {
    out += Format(", of which %.0f/s 2xx", static_cast<double>(r.ok) / r.duration_s);
  }
  out += Format("\n             %llu messages, %llu receipts/echoes, %llu duplicates\n",
                static_cast<unsigned long long>(r.messages), static_cast<unsigned long long>(r.receipts),
                static_cast<unsigned long long>(r.duplicates));
  out += Format("errors       %llu (%.3f %%):", static_cast<unsigned long long>(r.errors()), 100 * r.error_rate());
  bool any = false;
  for (const auto& [status, n] : r.by_status) {
    if (status >= 200 && status < 300) continue;
    out += Format(" HTTP %d x%llu", status, static_cast<unsigned long long>(n));
    any = true;
  }
  if (r.connection_errors) out += Format(" connection x%llu", static_cast<unsigned long long>(r.connection_errors));
  if (r.timeouts) out += Format(" timeout x%llu", static_cast<unsigned long long>(r.timeouts));
  if (r.protocol_errors) out += Format(" bad answer x%llu", static_cast<unsigned long long>(r.protocol_errors));
  if (!any && r.connection_errors + r.timeouts + r.protocol_errors == 0) out += " none";
  if (r.connect_failures) out += Format(" (and %llu failed connection attempts)", static_cast<unsigned long long>(r.connect_failures));
  out += "\nby kind     ";
  for (const auto& [kind, c] : r.by_kind) {
    out += Format(" %s %llu/%llu", kind.c_str(), static_cast<unsigned long long>(c.ok),
                  static_cast<unsigned long long>(c.sent));
  }
  out += " (2xx/sent)\n";
  if (r.with_agents) {
    out += Format("agents       %d of %d ready, handle time %s; %llu sessions assigned, %llu closed, %llu errors\n",
                  r.agents_ready, r.agents_configured, r.handle_time.c_str(),
                  static_cast<unsigned long long>(r.sessions_assigned),
                  static_cast<unsigned long long>(r.sessions_closed), static_cast<unsigned long long>(r.agent_errors));
    out += Format("delivery     %llu of %llu messages delivered, %llu not delivered, %llu delivered twice, "
                  "%llu receipts delivered, %llu texts without a marker\n",
                  static_cast<unsigned long long>(r.delivered), static_cast<unsigned long long>(r.expected),
                  static_cast<unsigned long long>(r.not_delivered), static_cast<unsigned long long>(r.delivered_twice),
                  static_cast<unsigned long long>(r.receipts_delivered),
                  static_cast<unsigned long long>(r.unmarked_texts));
  }
  out += Format("\n  %-24s %10s %10s %10s %10s %10s\n", "latency", "p50", "p90", "p99", "p99.9", "max");
  out += LatencyRow("acknowledgement (2xx)", r.ack);
  if (r.with_agents) out += LatencyRow("webhook to agent", r.delivery);
  out += Format("\nload generator CPU: %.2f s (%.0f %% of the run's wall time on one core)\n", r.loadgen_cpu_s,
                r.warmup_s + r.duration_s > 0 ? 100 * r.loadgen_cpu_s / (r.warmup_s + r.duration_s) : 0.0);
  return out;
}

std::string ToJson(const RunReport& r) {
  std::string out = "{";
  out += "\"run_id\":" + JsonQuote(r.run_id) + ",\"started_at\":" + JsonQuote(r.started_at) +
         ",\"mode\":" + JsonQuote(r.mode) + ",\"target\":" + JsonQuote(r.target) + ",\"mix\":" + JsonQuote(r.mix);
  out += Format(",\"target_rate\":%.3f,\"connections\":%d,\"warmup_s\":%.3f,\"duration_s\":%.3f", r.target_rate,
                r.connections, r.warmup_s, r.duration_s);
  out += Format(",\"requests\":{\"sent\":%llu,\"answered\":%llu,\"ok\":%llu,\"messages\":%llu,\"receipts\":%llu,"
                "\"duplicates\":%llu,\"errors\":%llu,\"error_rate\":%.6f,\"connection_errors\":%llu,"
                "\"timeouts\":%llu,\"protocol_errors\":%llu,\"connect_failures\":%llu,\"by_status\":{",
                static_cast<unsigned long long>(r.sent), static_cast<unsigned long long>(r.answered),
                static_cast<unsigned long long>(r.ok), static_cast<unsigned long long>(r.messages),
                static_cast<unsigned long long>(r.receipts), static_cast<unsigned long long>(r.duplicates),
                static_cast<unsigned long long>(r.errors()), r.error_rate(),
                static_cast<unsigned long long>(r.connection_errors), static_cast<unsigned long long>(r.timeouts),
                static_cast<unsigned long long>(r.protocol_errors),
                static_cast<unsigned long long>(r.connect_failures));
  bool first = true;
  for (const auto& [status, n] : r.by_status) {
    out += Format("%s\"%d\":%llu", first ? "" : ",", status, static_cast<unsigned long long>(n));
    first = false;
  }
  out += "},\"by_kind\":{";
  first = true;
  for (const auto& [kind, c] : r.by_kind) {
    out += Format("%s\"%s\":{\"sent\":%llu,\"ok\":%llu}", first ? "" : ",", kind.c_str(),
                  static_cast<unsigned long long>(c.sent), static_cast<unsigned long long>(c.ok));
    first = false;
  }
  out += "}}";
  out += Format(",\"achieved_rate\":%.3f", r.achieved_rate);
  out += ",\"ack_latency_us\":" + JsonLatency(r.ack);
  out += Format(",\"delivery\":{\"with_agents\":%s,\"expected\":%llu,\"delivered\":%llu,\"not_delivered\":%llu,"
                "\"delivered_twice\":%llu,\"receipts_delivered\":%llu,\"unmarked_texts\":%llu}",
                r.with_agents ? "true" : "false", static_cast<unsigned long long>(r.expected),
                static_cast<unsigned long long>(r.delivered), static_cast<unsigned long long>(r.not_delivered),
                static_cast<unsigned long long>(r.delivered_twice),
                static_cast<unsigned long long>(r.receipts_delivered),
                static_cast<unsigned long long>(r.unmarked_texts));
  out += ",\"delivery_latency_us\":" + JsonLatency(r.delivery);
  out += Format(",\"agents\":{\"configured\":%d,\"ready\":%d,\"handle_time\":%s,\"sessions_assigned\":%llu,"
                "\"sessions_closed\":%llu,\"errors\":%llu}",
                r.agents_configured, r.agents_ready, JsonQuote(r.handle_time).c_str(),
                static_cast<unsigned long long>(r.sessions_assigned),
                static_cast<unsigned long long>(r.sessions_closed), static_cast<unsigned long long>(r.agent_errors));
  out += Format(",\"loadgen_cpu_s\":%.3f}\n", r.loadgen_cpu_s);
  return out;
}

std::string ToCsv(const RunReport& r) {
  std::string out = "series,value_us,percentile,total_count,one_over_one_minus_percentile\n";
  CsvSeries(out, "ack", r.ack);
  if (r.with_agents) CsvSeries(out, "delivery", r.delivery);
  return out;
}

Status WritePng(const RunReport& r, const std::string& path) {
  if (!HaveGnuplot()) return Status::Unavailable("gnuplot is not installed (apt-get install gnuplot-nox); no PNG");
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path dir = fs::temp_directory_path(ec) / ("routerd-loadgen-plot-" + std::to_string(::getpid()));
  fs::create_directories(dir, ec);
  if (ec) return Status::Unavailable("cannot create a temporary directory for gnuplot");
  auto series = [&](const char* name, const LatencyHistogram& h) {
    std::ofstream out(dir / name);
    for (const LatencyHistogram::Point& p : h.Distribution()) {
      if (p.percentile >= 100.0) continue;  // 1/(1-p) is infinite
      out << 100.0 / (100.0 - p.percentile) << ' ' << static_cast<double>(p.value_us) / 1000.0 << '\n';
    }
    return out.good();
  };
  bool ok = series("ack.dat", r.ack);
  if (r.with_agents) ok = ok && series("delivery.dat", r.delivery);
  std::string script = "set terminal pngcairo size 1000,600\nset output '" + path + "'\n";
  script += "set title 'routerd-loadgen " + r.run_id + ": latency by percentile'\n";
  script += "set logscale x\nset xlabel 'percentile'\nset ylabel 'latency (ms)'\nset grid\nset key top left\n";
  script += "set xtics ('0%%' 1, '50%%' 2, '90%%' 10, '99%%' 100, '99.9%%' 1000, '99.99%%' 10000, '99.999%%' 100000)\n";
  script += "plot '" + (dir / "ack.dat").string() + "' using 1:2 with lines lw 2 title 'acknowledgement'";
  if (r.with_agents && r.delivery.count() > 0) {
    script += ", '" + (dir / "delivery.dat").string() + "' using 1:2 with lines lw 2 title 'webhook to agent'";
  }
  script += "\n";
  {
    std::ofstream out(dir / "plot.gp");
    out << script;
    ok = ok && out.good();
  }
  int rc = -1;
  if (ok) {
    const std::string command = "gnuplot '" + (dir / "plot.gp").string() + "' 2>&1";
    rc = std::system(command.c_str());
  }
  fs::remove_all(dir, ec);
  if (!ok) return Status::Unavailable("cannot write gnuplot's input files");
  if (rc != 0) return Status::Internal("gnuplot failed (exit status " + std::to_string(rc) + ")");
  return Status::Ok();
}

}  // namespace routerd::loadgen
