#include "bench/loadgen/load_run.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace routerd::loadgen {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr std::int64_t kAgentSetupUs = 15 * kSecondUs;
constexpr std::int64_t kConnectSetupUs = 10 * kSecondUs;
constexpr int kMaxLoggedAgentErrors = 10;

std::string UtcNow() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::string Ms(std::uint64_t us) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fms", static_cast<double>(us) / 1000.0);
  return buf;
}

LoadRun::LoadRun(const LoadOptions& options, std::unique_ptr<TrafficModel> traffic, tcp::endpoint endpoint,
                 std::string target, std::vector<AgentSpec> agents)
    : options_(options),
      traffic_(std::move(traffic)),
      endpoint_(endpoint),
      target_(std::move(target)),
      agent_specs_(std::move(agents)),
      parser_(traffic_->options().run_id),
      rng_(traffic_->options().seed ^ 0x5bd1e995ULL),
      pump_timer_(io_),
      tick_timer_(io_) {
  open_loop_ = options_.rate > 0;
  const int connections = open_loop_ ? options_.connections : options_.closed;
  pool_ = std::make_unique<HttpPool>(
      io_, endpoint_, connections, static_cast<std::int64_t>(options_.timeout_s * kSecondUs),
      [this](std::size_t c, const HttpPool::Completion& done) { OnDone(c, done); }, [this] { OnFree(); });
  inflight_.resize(static_cast<std::size_t>(connections));
  if (open_loop_) {
    total_ = static_cast<std::uint64_t>(std::floor((options_.warmup_s + options_.duration_s) * options_.rate));
    period_us_ = 1e6 / options_.rate;
    records_.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(total_, 10'000'000)));
  }
}

StatusOr<RunReport> LoadRun::Execute() {
  report_.started_at = UtcNow();
  cpu_start_ = CpuSeconds();
  setup_deadline_us_ = NowUs() + kAgentSetupUs;
  if (agent_specs_.empty()) {
    StartConnecting();
  } else {
    phase_ = Phase::kAgents;
    for (std::size_t i = 0; i < agent_specs_.size(); ++i) {
      agents_.push_back(std::make_shared<AgentClient>(io_, endpoint_, target_, agent_specs_[i], i, parser_, *this));
    }
    open_sessions_.resize(agents_.size());
    for (auto& a : agents_) a->Start();
    if (options_.progress) std::fprintf(stderr, "connecting %zu agents...\n", agents_.size());
  }
  Tick();
  io_.run();
  if (!setup_error_.empty()) return Status::Unavailable(setup_error_);
  return BuildReport();
}

void LoadRun::OnAgentReady(AgentClient&) {
  ++agents_ready_;
  if (phase_ == Phase::kAgents && agents_ready_ == agents_.size()) StartConnecting();
}

void LoadRun::OnAgentFrame(AgentClient& agent, const AgentFrame& frame) {
  const std::int64_t now = NowUs();
  auto& open = open_sessions_[agent.index()];
  switch (frame.type) {
    case AgentFrame::Type::kState:
      // Sessions left over from an earlier run: close them at once.
      for (const std::string& s : frame.sessions) {
        if (open.emplace(s, false).second) closes_.push({now, agent.index(), s});
      }
      break;
    case AgentFrame::Type::kAssigned:
      ++report_.sessions_assigned;
      if (open.emplace(frame.session_id, false).second) {
        closes_.push({now + options_.handle_time.SampleUs(rng_), agent.index(), frame.session_id});
      }
      Deliver(frame, now);
      break;
    case AgentFrame::Type::kMessage:
      Deliver(frame, now);
      break;
    case AgentFrame::Type::kSessionEnded:
      ++report_.sessions_closed;
      open.erase(frame.session_id);
      break;
    default:
      break;
  }
}

void LoadRun::OnAgentError(AgentClient& agent, std::string_view what) {
  ++report_.agent_errors;
  if (phase_ == Phase::kAgents) {
    setup_error_ = "agent " + agent.spec().employee_id + ": " + std::string(what);
    io_.stop();
    return;
  }
  if (report_.agent_errors <= kMaxLoggedAgentErrors) {
    std::fprintf(stderr, "agent %s: %.*s\n", agent.spec().employee_id.c_str(), static_cast<int>(what.size()),
                 what.data());
  }
}

void LoadRun::OnAgentClosed(AgentClient&) {
  ++agents_closed_;
  if (phase_ == Phase::kStopping && agents_closed_ == agents_.size()) Done();
}

void LoadRun::StartConnecting() {
  phase_ = Phase::kConnecting;
  setup_deadline_us_ = NowUs() + kConnectSetupUs;
  pool_->Start();
}

void LoadRun::Begin() {
  phase_ = Phase::kRunning;
  t0_us_ = NowUs();
  window_start_us_ = t0_us_ + static_cast<std::int64_t>(options_.warmup_s * kSecondUs);
  window_end_us_ = window_start_us_ + static_cast<std::int64_t>(options_.duration_s * kSecondUs);
  next_progress_us_ = t0_us_ + kSecondUs;
  cpu_start_ = CpuSeconds();
  if (options_.progress) {
    std::fprintf(stderr, "run %08" PRIx32 ": %zu connections up, %zu agents ready; %s\n",
                 traffic_->options().run_id, pool_->connected(), agents_ready_,
                 open_loop_ ? "open loop" : "closed loop");
  }
  Pump();
}

void LoadRun::OnFree() {
  if (phase_ == Phase::kConnecting) {
    if (pool_->connected() == pool_->size()) Begin();
    return;
  }
  Pump();
}

void LoadRun::Pump() {
  if (phase_ != Phase::kRunning && phase_ != Phase::kDraining) return;
  if (open_loop_) {
    const std::int64_t now = NowUs();
    while (next_index_ < total_ && Intended(next_index_) <= now && pool_->HasFree()) {
      Dispatch(Intended(next_index_));
      ++next_index_;
    }
    if (next_index_ < total_ && pool_->HasFree() && !pump_armed_) {
      pump_armed_ = true;
      pump_timer_.expires_at(net::steady_timer::time_point(std::chrono::microseconds(Intended(next_index_))));
      pump_timer_.async_wait([this](const boost::system::error_code& ec) {
        pump_armed_ = false;
        if (!ec) Pump();
      });
    }
  } else if (phase_ == Phase::kRunning) {
    while (pool_->HasFree()) {
      const std::int64_t now = NowUs();
      if (now >= window_end_us_) break;
      Dispatch(now);
    }
  }
}

void LoadRun::Dispatch(std::int64_t intended_us) {
  PlannedRequest request = traffic_->Next(WallMs());
  const bool in_window = intended_us >= window_start_us_ && intended_us < window_end_us_;
  if (request.cls != RequestClass::kDuplicate) {
    // Sequence numbers are handed out in dispatch order, one per record.
    records_.push_back({intended_us, 0, request.cls, in_window, false});
  }
  if (in_window) {
    ++report_.sent;
    switch (request.cls) {
      case RequestClass::kMessage: ++report_.messages; break;
      case RequestClass::kReceipt: ++report_.receipts; break;
      case RequestClass::kDuplicate: ++report_.duplicates; break;
    }
    ++report_.by_kind[std::string(KindName(request.kind))].sent;
  }
  ++interval_.sent;
  std::shared_ptr<const std::string> bytes = request.bytes;
  const std::size_t c = pool_->Send(std::move(bytes));
  inflight_[c] = InFlight{std::move(request), intended_us, in_window, true};
}

void LoadRun::OnDone(std::size_t c, const HttpPool::Completion& done) {
  InFlight f = std::move(inflight_[c]);
  inflight_[c].active = false;
  if (!f.active) return;
  const std::int64_t now = NowUs();
  if (done.outcome != HttpPool::Outcome::kAnswered) {
    ++interval_.errors;
    if (f.in_window) {
      if (done.outcome == HttpPool::Outcome::kTimeout) ++report_.timeouts;
      if (done.outcome == HttpPool::Outcome::kConnectionError) ++report_.connection_errors;
      if (done.outcome == HttpPool::Outcome::kProtocolError) ++report_.protocol_errors;
    }
    return;
  }
  if (now >= window_start_us_ && now < window_end_us_) ++answered_in_window_;
  if (f.in_window) {
    ++report_.answered;
    ++report_.by_status[done.status];
  }
  if (done.status < 200 || done.status >= 300) {
    ++interval_.errors;
    return;
  }
  const auto latency = static_cast<std::uint64_t>(std::max<std::int64_t>(0, now - f.intended_us));
  ++interval_.ok;
  interval_.ack.Record(latency);
  if (f.in_window) {
    ++report_.ok;
    report_.ack.Record(latency);
    ++report_.by_kind[std::string(KindName(f.request.kind))].ok;
  }
  if (f.request.cls != RequestClass::kDuplicate) {
    SeqRecord& r = records_[f.request.seq];
    r.acked_ok = true;
    if (r.cls == RequestClass::kMessage && r.deliveries == 0) ++undelivered_;
  }
  traffic_->Acknowledged(f.request);
}

void LoadRun::Deliver(const AgentFrame& frame, std::int64_t now) {
  report_.unmarked_texts += static_cast<std::uint64_t>(frame.texts_without_marker);
  for (std::uint64_t seq : frame.seqs) {
    if (seq >= records_.size()) {
      ++report_.unmarked_texts;  // a marker of this run that was never sent: a corrupted text
      continue;
    }
    SeqRecord& r = records_[seq];
    if (++r.deliveries != 1 || r.cls != RequestClass::kMessage) continue;
    if (r.acked_ok) --undelivered_;
    const auto latency = static_cast<std::uint64_t>(std::max<std::int64_t>(0, now - r.intended_us));
    interval_.delivery.Record(latency);
    if (r.in_window) report_.delivery.Record(latency);
  }
}

}  // namespace routerd::loadgen
