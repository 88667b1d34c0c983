#include "engine/cluster/inbox_pump.h"

#include <spdlog/spdlog.h>

#include "engine/base/guarded_call.h"
#include "engine/base/log_limiter.h"
#include "engine/base/thread_name.h"

namespace routerd::cluster {
namespace {
constexpr std::chrono::milliseconds kRetryFull{20};
}  // namespace

InboxPump::InboxPump(InboxPumpOptions options, storage::ClusterStore& store, const TenantOwnership& ownership,
                     Route route)
    : options_(std::move(options)), store_(store), ownership_(ownership), route_(std::move(route)) {}

InboxPump::~InboxPump() { Stop(); }

void InboxPump::Start() {
  thread_ = std::thread([this] {
    SetThreadName("rd-cluster-inbox");
    Run();
  });
}

void InboxPump::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  session_.reset();
}

void InboxPump::Kick() {
  {
    std::lock_guard lock(mu_);
    kicked_ = true;
  }
  cv_.notify_all();
}

bool InboxPump::Pass() {
  if (!backlog_.empty()) {
    route_(backlog_, backlog_held_);
    if (!backlog_.empty()) return false;
  }
  std::vector<storage::HeldLease> held;
  for (auto& [tenant, epoch] : ownership_.Held()) held.push_back({tenant, epoch});
  if (held.empty()) return false;
  StatusOr<std::vector<ContactPtr>> taken = session_->TakeInbox(options_.instance_id, held, options_.batch);
  if (!taken.ok()) {
    static LogLimiter limiter(std::chrono::seconds(10));
    if (limiter.Allow()) spdlog::warn("cluster: inbox not read: {}", taken.status().ToString());
    if (taken.status().code() == StatusCode::kUnavailable) session_.reset();
    return false;
  }
  const bool full = taken->size() >= options_.batch;
  if (taken->empty()) return false;
  taken_.fetch_add(taken->size(), std::memory_order_relaxed);
  backlog_ = std::move(taken).value();
  backlog_held_ = std::move(held);
  route_(backlog_, backlog_held_);
  return full && backlog_.empty();
}

void InboxPump::Run() {
  static FailureLog failures("an inbox pass");
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      kicked_ = false;
    }
    if (!session_) {
      StatusOr<std::unique_ptr<storage::ClusterSession>> s = store_.Connect();
      if (s.ok() && (*s)->Listen(storage::kInboxChannel).ok()) session_ = std::move(s).value();
    }
    bool more = false;
    if (session_) GuardedCall(failures, [&] { more = Pass(); });
    if (more) continue;
    // Wait for a notification, a kick, a stop, or the poll interval.
    const auto until = std::chrono::steady_clock::now() + (backlog_.empty() ? options_.poll : kRetryFull);
    while (std::chrono::steady_clock::now() < until) {
      {
        std::unique_lock lock(mu_);
        if (stopping_ || kicked_) break;
      }
      if (!session_) {
        std::unique_lock lock(mu_);
        cv_.wait_until(lock, until, [this] { return stopping_ || kicked_; });
        break;
      }
      auto slice =
          std::min(std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()),
                   std::chrono::milliseconds(100));
      StatusOr<std::vector<storage::ClusterNotification>> n =
          session_->Wait(std::max(slice, std::chrono::milliseconds(1)));
      if (!n.ok()) {
        session_.reset();
        break;
      }
      if (!n->empty()) break;
    }
  }
}

}  // namespace routerd::cluster
