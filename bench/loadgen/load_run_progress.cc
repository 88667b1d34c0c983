#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>

#include "bench/loadgen/load_run.h"

namespace routerd::loadgen {
namespace {

constexpr auto kTick = std::chrono::milliseconds(5);
constexpr std::int64_t kShutdownUs = 3 * kSecondUs;

std::string MixText(const std::vector<std::pair<ChannelKind, double>>& mix) {
  std::string out;
  for (const auto& [kind, weight] : mix) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%s=%g", out.empty() ? "" : ",", std::string(KindName(kind)).c_str(), weight);
    out += buf;
  }
  return out;
}

}  // namespace

void LoadRun::Tick() {
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

void LoadRun::RunDueCloses(std::int64_t now) {
  while (!closes_.empty() && closes_.top().due_us <= now) {
    const PendingClose& top = closes_.top();
    CloseOnce(top.agent, top.session);
    closes_.pop();
  }
}

void LoadRun::CloseOnce(std::size_t agent, const std::string& session) {
  auto it = open_sessions_[agent].find(session);
  if (it == open_sessions_[agent].end() || it->second) return;
  it->second = true;
  agents_[agent]->CloseSession(session);
}

void LoadRun::Progress(std::int64_t now) {
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

std::uint64_t LoadRun::Backlog(std::int64_t now) const {
  if (!open_loop_) return 0;
  std::uint64_t due = now <= t0_us_ ? 0 : static_cast<std::uint64_t>(static_cast<double>(now - t0_us_) / period_us_) + 1;
  due = std::min(due, total_);
  return due > next_index_ ? due - next_index_ : 0;
}

void LoadRun::Finish() {
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

void LoadRun::Done() {
  if (phase_ == Phase::kDone) return;
  phase_ = Phase::kDone;
  tick_timer_.cancel();
  pump_timer_.cancel();
  io_.stop();
}

RunReport LoadRun::BuildReport() {
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

}  // namespace routerd::loadgen
