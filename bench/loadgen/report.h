// RunReport: what one routerd-loadgen run measured, and its renderings: the
// human table, JSON (--json), the percentile distribution as CSV (--csv) and
// a gnuplot chart (--png).
//
// Counts cover the requests whose intended send time fell in the measurement
// window (after the warm-up); deliveries are those of the window's messages.
//
// Thread safety: plain values and pure functions (WritePng runs gnuplot).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "bench/loadgen/histogram.h"
#include "routerd/status.h"

namespace routerd::loadgen {

struct RunReport {
  // What was run.
  std::string mode;  // "open" or "closed"
  std::string target;
  std::string run_id;
  std::string mix;
  std::string handle_time;
  double target_rate = 0;  // open loop
  int connections = 0;
  double warmup_s = 0;
  double duration_s = 0;
  std::string started_at;  // UTC, ISO 8601

  // Requests.
  std::uint64_t sent = 0;  // = answered + connection_errors + timeouts + protocol_errors
  std::uint64_t answered = 0;
  std::uint64_t ok = 0;  // 2xx
  std::uint64_t messages = 0;
  std::uint64_t receipts = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t connection_errors = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t protocol_errors = 0;  // an answer that could not be parsed
  std::uint64_t connect_failures = 0;  // failed connection attempts (not requests)
  std::map<int, std::uint64_t> by_status;
  struct KindCounts {
    std::uint64_t sent = 0;
    std::uint64_t ok = 0;
  };
  std::map<std::string, KindCounts> by_kind;
  double achieved_rate = 0;  // answers per second of the window
  LatencyHistogram ack;       // 2xx answers, from the intended send time

  // Deliveries to agents (only with agents).
  bool with_agents = false;
  std::uint64_t expected = 0;         // the window's messages answered 2xx
  std::uint64_t delivered = 0;        // ... that reached an agent
  std::uint64_t not_delivered = 0;    // ... that did not before the drain ended
  std::uint64_t delivered_twice = 0;  // extra deliveries of one message (any time)
  std::uint64_t receipts_delivered = 0;  // provider events an agent should never see
  std::uint64_t unmarked_texts = 0;   // delivered texts without a marker of this run
  LatencyHistogram delivery;          // webhook intended send time -> agent frame read

  int agents_configured = 0;
  int agents_ready = 0;
  std::uint64_t sessions_assigned = 0;
  std::uint64_t sessions_closed = 0;
  std::uint64_t agent_errors = 0;

  double loadgen_cpu_s = 0;

  std::uint64_t errors() const { return sent - ok; }
  double error_rate() const { return sent == 0 ? 0.0 : static_cast<double>(errors()) / static_cast<double>(sent); }
};

std::string FormatTable(const RunReport& report);
std::string ToJson(const RunReport& report);
std::string ToCsv(const RunReport& report);
// Renders the percentile distributions with gnuplot. Unavailable when gnuplot
// is not installed (the caller says so and goes on).
Status WritePng(const RunReport& report, const std::string& path);

}  // namespace routerd::loadgen
