#include "bench/loadgen/runner.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <memory>
#include <queue>
#include <random>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bench/loadgen/agent_client.h"
#include "bench/loadgen/agent_frames.h"
#include "bench/loadgen/http_pool.h"
#include "bench/loadgen/traffic.h"

namespace routerd::loadgen {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr std::int64_t kSecondUs = 1'000'000;
constexpr auto kTick = std::chrono::milliseconds(5);
constexpr std::int64_t kAgentSetupUs = 15 * kSecondUs;
constexpr std::int64_t kConnectSetupUs = 10 * kSecondUs;
constexpr std::int64_t kShutdownUs = 3 * kSecondUs;
constexpr int kMaxLoggedAgentErrors = 10;

std::int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string UtcNow() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::string MixText(const std::vector<std::pair<ChannelKind, double>>& mix) {
  std::string out;
  for (const auto& [kind, weight] : mix) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%s=%g", out.empty() ? "" : ",", std::string(KindName(kind)).c_str(), weight);
    out += buf;
  }
  return out;
}

std::string Ms(std::uint64_t us) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fms", static_cast<double>(us) / 1000.0);
  return buf;
}

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

class Run final : public AgentListener {
 public:
  Run(const LoadOptions& options, std::unique_ptr<TrafficModel> traffic, tcp::endpoint endpoint,
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

  StatusOr<RunReport> Execute() {
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

  // ---- AgentListener ------------------------------------------------------------
  void OnAgentReady(AgentClient&) override {
    ++agents_ready_;
    if (phase_ == Phase::kAgents && agents_ready_ == agents_.size()) StartConnecting();
  }

  void OnAgentFrame(AgentClient& agent, const AgentFrame& frame) override {
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

  void OnAgentError(AgentClient& agent, std::string_view what) override {
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

  void OnAgentClosed(AgentClient&) override {
    ++agents_closed_;
    if (phase_ == Phase::kStopping && agents_closed_ == agents_.size()) Done();
  }

 private:
  enum class Phase { kAgents, kConnecting, kRunning, kDraining, kStopping, kDone };

  void StartConnecting() {
    phase_ = Phase::kConnecting;
    setup_deadline_us_ = NowUs() + kConnectSetupUs;
    pool_->Start();
  }

  void Begin() {
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

  std::int64_t Intended(std::uint64_t i) const {
    return t0_us_ + static_cast<std::int64_t>(static_cast<double>(i) * period_us_);
  }

  void OnFree() {
    if (phase_ == Phase::kConnecting) {
      if (pool_->connected() == pool_->size()) Begin();
      return;
    }
    Pump();
  }

  void Pump() {
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

  void Dispatch(std::int64_t intended_us) {
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

  void OnDone(std::size_t c, const HttpPool::Completion& done) {
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

  void Deliver(const AgentFrame& frame, std::int64_t now) {
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

  void Tick() {
    const std::int64_t now = NowUs();
    RunDueCloses(now);
    switch (phase_) {
      case Phase::kAgents:
      case Phase::kConnecting:
        if (now > setup_deadline_us_) {
          if (phase_ == Phase::kAgents) {
            setup_error_ = std::to_string(agents_ready_) + " of " + std::to_string(agents_.size()) +
                           " agents became ready within 15 s";
            io_.stop();
            return;
          }
          if (pool_->connected() == 0) {
            setup_error_ = "cannot connect to " + target_ + " (is routerd running?)";
            io_.stop();
            return;
          }
          Begin();  // go with the connections that are up; the rest keep retrying
        }
        break;
      case Phase::kRunning:
        if (now >= window_end_us_) {
          phase_ = Phase::kDraining;
          drain_deadline_us_ = now + static_cast<std::int64_t>(options_.drain_s * kSecondUs);
        }
        Progress(now);
        break;
      case Phase::kDraining: {
        Progress(now);
        const bool requests_done = pool_->in_flight() == 0 && (!open_loop_ || next_index_ >= total_);
        const bool deliveries_done = agents_.empty() || undelivered_ == 0;
        if ((requests_done && deliveries_done) || now >= drain_deadline_us_) Finish();
        break;
      }
      case Phase::kStopping:
        if (now >= stop_deadline_us_) Done();
        break;
      case Phase::kDone:
        return;
    }
    if (phase_ == Phase::kDone) return;
    tick_timer_.expires_after(kTick);
    tick_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) Tick();
    });
  }

  void RunDueCloses(std::int64_t now) {
    while (!closes_.empty() && closes_.top().due_us <= now) {
      const PendingClose& top = closes_.top();
      CloseOnce(top.agent, top.session);
      closes_.pop();
    }
  }

  // Sends one close per session: a second one would be refused (not_found)
  // once the first has ended it.
  void CloseOnce(std::size_t agent, const std::string& session) {
    auto it = open_sessions_[agent].find(session);
    if (it == open_sessions_[agent].end() || it->second) return;
    it->second = true;
    agents_[agent]->CloseSession(session);
  }

  void Progress(std::int64_t now) {
    if (now < next_progress_us_) return;
    next_progress_us_ += kSecondUs;
    if (options_.progress) {
      const char* phase = phase_ == Phase::kDraining ? "drain" : now < window_start_us_ ? "warm-up" : "measure";
      std::size_t open = 0;
      for (const auto& s : open_sessions_) open += s.size();
      std::string line;
      char buf[256];
      std::snprintf(buf, sizeof buf, "%7.1fs %-7s sent %6" PRIu64 "/s  2xx %6" PRIu64 "/s  err %" PRIu64
                    "  in flight %zu  backlog %" PRIu64,
                    static_cast<double>(now - t0_us_) / 1e6, phase, interval_.sent, interval_.ok, interval_.errors,
                    pool_->in_flight(), Backlog(now));
      line += buf;
      if (interval_.ack.count() > 0) {
        line += "  ack p50 " + Ms(interval_.ack.ValueAtPercentile(50)) + " p99 " +
                Ms(interval_.ack.ValueAtPercentile(99));
      }
      if (!agents_.empty()) {
        if (interval_.delivery.count() > 0) {
          line += "  deliver p50 " + Ms(interval_.delivery.ValueAtPercentile(50)) + " p99 " +
                  Ms(interval_.delivery.ValueAtPercentile(99));
        }
        std::snprintf(buf, sizeof buf, "  undelivered %" PRIu64 "  open sessions %zu", undelivered_, open);
        line += buf;
      }
      std::fprintf(stderr, "%s\n", line.c_str());
    }
    interval_ = Interval();
  }

  std::uint64_t Backlog(std::int64_t now) const {
    if (!open_loop_) return 0;
    std::uint64_t due = now <= t0_us_ ? 0 : static_cast<std::uint64_t>(static_cast<double>(now - t0_us_) / period_us_) + 1;
    due = std::min(due, total_);
    return due > next_index_ ? due - next_index_ : 0;
  }

  void Finish() {
    phase_ = Phase::kStopping;
    stop_deadline_us_ = NowUs() + kShutdownUs;
    // Whatever is still unanswered, or was never sent, timed out.
    for (InFlight& f : inflight_) {
      if (f.active && f.in_window) ++report_.timeouts;
      f.active = false;
    }
    if (open_loop_) {
      for (std::uint64_t i = next_index_; i < total_; ++i) {
        const std::int64_t t = Intended(i);
        if (t >= window_start_us_ && t < window_end_us_) {
          ++report_.sent;
          ++report_.timeouts;
        }
      }
      next_index_ = total_;
    }
    cpu_end_ = CpuSeconds();
    report_.connect_failures = pool_->connect_failures();
    pool_->Stop();
    pump_timer_.cancel();
    if (agents_.empty()) return Done();
    // Close what the agents still hold, so that the daemon is left without
    // this run's sessions, then sign out.
    for (auto& a : agents_) {
      std::vector<std::string> open;
      for (const auto& [session, closing] : open_sessions_[a->index()]) open.push_back(session);
      for (const std::string& session : open) CloseOnce(a->index(), session);
      a->Shutdown();
    }
    if (agents_closed_ == agents_.size()) Done();
  }

  void Done() {
    if (phase_ == Phase::kDone) return;
    phase_ = Phase::kDone;
    tick_timer_.cancel();
    pump_timer_.cancel();
    io_.stop();
  }

  RunReport BuildReport() {
    const TrafficOptions& t = traffic_->options();
    char run[16];
    std::snprintf(run, sizeof run, "%08" PRIx32, t.run_id);
    report_.run_id = run;
    report_.mode = open_loop_ ? "open" : "closed";
    report_.target = target_;
    report_.mix = MixText(t.mix);
    report_.handle_time = options_.handle_time.ToString();
    report_.target_rate = open_loop_ ? options_.rate : 0;
    report_.connections = static_cast<int>(pool_->size());
    report_.warmup_s = options_.warmup_s;
    report_.duration_s = options_.duration_s;
    report_.achieved_rate = static_cast<double>(answered_in_window_) / options_.duration_s;
    report_.with_agents = !agents_.empty();
    report_.agents_configured = static_cast<int>(agents_.size());
    report_.agents_ready = static_cast<int>(agents_ready_);
    for (const SeqRecord& r : records_) {
      if (r.cls == RequestClass::kReceipt) {
        report_.receipts_delivered += r.deliveries > 0;
        continue;
      }
      if (r.deliveries > 1) report_.delivered_twice += r.deliveries - 1;
      if (!r.in_window || !r.acked_ok) continue;
      ++report_.expected;
      if (r.deliveries > 0) {
        ++report_.delivered;
      } else {
        ++report_.not_delivered;
      }
    }
    report_.loadgen_cpu_s = (cpu_end_ > 0 ? cpu_end_ : CpuSeconds()) - cpu_start_;
    return report_;
  }

  const LoadOptions& options_;
  std::unique_ptr<TrafficModel> traffic_;
  tcp::endpoint endpoint_;
  std::string target_;
  std::vector<AgentSpec> agent_specs_;
  AgentFrameParser parser_;
  std::mt19937_64 rng_;

  net::io_context io_;
  net::steady_timer pump_timer_;
  net::steady_timer tick_timer_;
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
  Run run(options, std::move(*traffic), *endpoint, target, std::move(agents));
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
  if (std::fclose(out) != 0) return Status::Unavailable("writing '" + options.emit_file + "' failed");
  return bytes;
}

}  // namespace routerd::loadgen
