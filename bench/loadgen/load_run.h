// LoadRun: one run of routerd-loadgen against a daemon: the agents it signs
// in, the webhook requests it sends on schedule (open loop) or as answers come
// back (closed loop), what the agents receive, and the report. Its traffic side
// (connecting, sending, answers, deliveries) is in load_run.cc; its clock
// (ticks, progress, closing sessions, the end of the run) and its report in
// load_run_progress.cc.
//
// Thread safety: none; everything runs on the run's own io_context thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bench/loadgen/agent_client.h"
#include "bench/loadgen/agent_frames.h"
#include "bench/loadgen/http_pool.h"
#include "bench/loadgen/options.h"
#include "bench/loadgen/report.h"
#include "bench/loadgen/traffic.h"
#include "routerd/status.h"

namespace routerd::loadgen {

inline constexpr std::int64_t kSecondUs = 1'000'000;

std::int64_t WallMs();
// CPU time of this process (user + system), seconds.
double CpuSeconds();
// "1.23ms"
std::string Ms(std::uint64_t us);

struct SeqRecord {
  std::int64_t intended_us = 0;
  std::uint32_t deliveries = 0;
  RequestClass cls = RequestClass::kMessage;
  bool in_window = false;
  bool acked_ok = false;
};

struct InFlight {
  PlannedRequest request;
  std::int64_t intended_us = 0;
  bool in_window = false;
  bool active = false;
};

struct PendingClose {
  std::int64_t due_us;
  std::size_t agent;
  std::string session;
  bool operator>(const PendingClose& o) const { return due_us > o.due_us; }
};

// Counters of the current second, for the progress line.
struct Interval {
  std::uint64_t sent = 0;
  std::uint64_t ok = 0;
  std::uint64_t errors = 0;
  LatencyHistogram ack;
  LatencyHistogram delivery;
};

class LoadRun final : public AgentListener {
 public:
  LoadRun(const LoadOptions& options, std::unique_ptr<TrafficModel> traffic,
          boost::asio::ip::tcp::endpoint endpoint, std::string target, std::vector<AgentSpec> agents);
  // Signs the agents in, connects, sends, drains, and reports.
  StatusOr<RunReport> Execute();

  // ---- AgentListener ------------------------------------------------------------
  void OnAgentReady(AgentClient&) override;
  void OnAgentFrame(AgentClient& agent, const AgentFrame& frame) override;
  void OnAgentError(AgentClient& agent, std::string_view what) override;
  void OnAgentClosed(AgentClient&) override;

 private:
  enum class Phase { kAgents, kConnecting, kRunning, kDraining, kStopping, kDone };

  // ---- Traffic (load_run.cc) -----------------------------------------------------
  void StartConnecting();
  void Begin();
  std::int64_t Intended(std::uint64_t i) const {
    return t0_us_ + static_cast<std::int64_t>(static_cast<double>(i) * period_us_);
  }
  void OnFree();
  void Pump();
  void Dispatch(std::int64_t intended_us);
  void OnDone(std::size_t c, const HttpPool::Completion& done);
  void Deliver(const AgentFrame& frame, std::int64_t now);

  // ---- Clock and report (load_run_progress.cc) -----------------------------------
  void Tick();
  void RunDueCloses(std::int64_t now);
  // Sends one close per session: a second one would be refused (not_found)
  // once the first has ended it.
  void CloseOnce(std::size_t agent, const std::string& session);
  void Progress(std::int64_t now);
  std::uint64_t Backlog(std::int64_t now) const;
  void Finish();
  void Done();
  RunReport BuildReport();

  const LoadOptions& options_;
  std::unique_ptr<TrafficModel> traffic_;
  boost::asio::ip::tcp::endpoint endpoint_;
  std::string target_;
  std::vector<AgentSpec> agent_specs_;
  AgentFrameParser parser_;
  std::mt19937_64 rng_;

  boost::asio::io_context io_;
  boost::asio::steady_timer pump_timer_;
  boost::asio::steady_timer tick_timer_;
  std::unique_ptr<HttpPool> pool_;
  std::vector<std::shared_ptr<AgentClient>> agents_;
  // Per agent: its open sessions, and whether their close was sent.
  std::vector<std::unordered_map<std::string, bool>> open_sessions_;
  std::priority_queue<PendingClose, std::vector<PendingClose>, std::greater<>> closes_;

  Phase phase_ = Phase::kConnecting;
  std::string setup_error_;
  bool open_loop_ = true;
  bool pump_armed_ = false;
  std::uint64_t total_ = 0;  // open loop: requests in the schedule
  double period_us_ = 0;
  std::uint64_t next_index_ = 0;
  std::int64_t t0_us_ = 0;
  std::int64_t window_start_us_ = 0;
  std::int64_t window_end_us_ = 0;
  std::int64_t setup_deadline_us_ = 0;
  std::int64_t drain_deadline_us_ = 0;
  std::int64_t stop_deadline_us_ = 0;
  std::int64_t next_progress_us_ = 0;
  std::size_t agents_ready_ = 0;
  std::size_t agents_closed_ = 0;

  std::vector<InFlight> inflight_;  // per connection
  std::vector<SeqRecord> records_;  // per sequence number
  std::uint64_t undelivered_ = 0;   // messages answered 2xx that no agent has seen yet
  std::uint64_t answered_in_window_ = 0;
  Interval interval_;
  double cpu_start_ = 0;
  double cpu_end_ = 0;
  RunReport report_;
};

}  // namespace routerd::loadgen
