#include "engine/shard/router_shard.h"

#include "engine/base/thread_name.h"

#include <chrono>
#include <condition_variable>
#include <mutex>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "engine/base/guarded_call.h"

namespace routerd::shard {
namespace {
constexpr int kMaxBulksPerDrain = 64;
}  // namespace

RouterShard::RouterShard(std::uint32_t index, std::span<const config::TenantConfig* const> tenants,
                         const routing::PolicyRegistry& policies, const RouterShardOptions& options,
                         const Clock& clock, routing::RoutingEventSink& sink)
    : index_(index),
      options_(options),
      clock_(clock),
      sink_(sink),
      router_(tenants, policies, options.tenant),
      queue_(options.queue_capacity),
      commands_(options.command_queue_capacity),
      io_(1),
      tick_timer_(io_) {
  batch_.resize(options_.batch_size);
  lease_epoch_.assign(tenants.size(), 0);
}

RouterShard::~RouterShard() { Stop(); }

StatusOr<std::uint32_t> RouterShard::AddTenant(const config::TenantConfig& tenant, bool active,
                                               std::uint64_t session_id_floor,
                                               std::chrono::milliseconds start_timeout) {
  std::uint32_t index = 0;
  ROUTERD_RETURN_IF_ERROR(RunAndWait(
      [this, &tenant, &index, active, session_id_floor](routing::Router& router) {
        index = router.AddTenant(tenant);
        lease_epoch_.push_back(0);
        router.SetTenantActive(index, active);
        router.tenant(index).FinishRestore(session_id_floor);
      },
      start_timeout));
  return index;
}

namespace {
thread_local std::optional<std::uint32_t> current_shard;
}  // namespace

std::optional<std::uint32_t> RouterShard::CurrentIndex() { return current_shard; }

void RouterShard::Start() {
  ArmTick();
  thread_ = std::thread([this] {
    SetThreadName("rd-shard-" + std::to_string(index_));
    current_shard = index_;
    auto work = boost::asio::make_work_guard(io_);
    // Inputs and tasks are guarded one by one; this also covers the tick.
    static FailureLog failures("a router shard's event loop");
    RunEventLoopGuarded(io_, failures);
  });
}

void RouterShard::Stop() {
  if (!thread_.joinable()) return;
  boost::asio::post(io_, [this] {
    stopping_.store(true);
    tick_timer_.cancel();
    Drain();
    io_.stop();
  });
  thread_.join();
}

bool RouterShard::TryPushBulk(Queue::ProducerToken& token, std::span<ShardInput> items) {
  if (queue_.TryPushBulk(token, items)) return true;
  counters_.rejected_full.fetch_add(1, std::memory_order_relaxed);
  return false;
}

bool RouterShard::TryPushCommand(Queue::ProducerToken& token, ShardInput&& item) {
  if (commands_.TryPush(token, std::move(item))) return true;
  counters_.rejected_full.fetch_add(1, std::memory_order_relaxed);
  return false;
}

bool RouterShard::TryPushCommand(ShardInput&& item) {
  if (commands_.TryPush(std::move(item))) return true;
  counters_.rejected_full.fetch_add(1, std::memory_order_relaxed);
  return false;
}

void RouterShard::Wake() {
  // One post per burst: only the producer that flips the flag posts.
  if (!drain_pending_.exchange(true, std::memory_order_acq_rel)) {
    boost::asio::post(io_, [this] { Drain(); });
  }
}

void RouterShard::Post(std::function<void(routing::Router&)> fn) {
  boost::asio::post(io_, [this, fn = std::move(fn)] {
    // A failing task must not take the shard, and every tenant on it, down.
    static FailureLog failures("a router shard task");
    GuardedCall(failures, [&] { fn(router_); });
    Flush();
  });
}

Status RouterShard::RunAndWait(std::function<void(routing::Router&)> fn, std::chrono::milliseconds start_timeout) {
  struct Task {
    std::mutex mu;
    std::condition_variable cv;
    bool started = false, abandoned = false, done = false;  // guarded by mu
  };
  auto task = std::make_shared<Task>();
  Post([fn = std::move(fn), task](routing::Router& router) {
    {
      std::lock_guard lock(task->mu);
      if (task->abandoned) return;
      task->started = true;
    }
    task->cv.notify_all();
    // Done even if fn throws (Post logs it): the caller must not wait forever.
    struct MarkDone {
      Task& t;
      ~MarkDone() {
        std::lock_guard lock(t.mu);
        t.done = true;
        t.cv.notify_all();
      }
    } mark{*task};
    fn(router);
  });
  std::unique_lock lock(task->mu);
  if (!task->cv.wait_for(lock, start_timeout, [&] { return task->started || task->done; })) {
    task->abandoned = true;
    return Status::Unavailable("router shard " + std::to_string(index_) + " did not answer");
  }
  task->cv.wait(lock, [&] { return task->done; });
  return Status::Ok();
}

void RouterShard::Drain() {
  // Clear before reading so that a push racing with this drain posts another.
  drain_pending_.store(false, std::memory_order_seq_cst);
  std::uint64_t processed = 0;
  for (int bulks = 0;; ++bulks) {
    if (bulks == kMaxBulksPerDrain) {
      // Under sustained load, yield to the timer and control-plane posts.
      Wake();
      break;
    }
    // Commands first, every round: they free the capacity contacts need.
    const std::size_t n = Process(commands_) + Process(queue_);
    if (n == 0) break;
    processed += n;
    // Hand events on per round so a long drain does not hold them back.
    Flush();
  }
  counters_.inputs.fetch_add(processed, std::memory_order_relaxed);
  counters_.drains.fetch_add(1, std::memory_order_relaxed);
}

std::size_t RouterShard::Process(Queue& queue) {
  const std::size_t n = queue.PopBulk(batch_.data(), batch_.size());
  if (n == 0) return 0;
  const std::int64_t now = clock_.NowNs();
  // One input that throws (a policy's bug, std::bad_alloc) must not take the
  // shard, and every tenant on it, down: it is logged and dropped, and a
  // command whose caller waits is answered kInternal.
  static FailureLog contact_failures("routing a contact");
  static FailureLog command_failures("an agent command on a router shard");
  for (std::size_t i = 0; i < n; ++i) {
    ShardInput& in = batch_[i];
    if (in.kind == ShardInput::Kind::kContact) {
      if (in.lease_epoch != lease_epoch_[in.tenant]) [[unlikely]] {
        stale_contacts_.fetch_add(1, std::memory_order_relaxed);
        in.contact.reset();
        continue;
      }
      GuardedCall(contact_failures,
                  [&] { router_.OnContact(in.tenant, in.channel, std::move(in.contact), in.key_hash, now); });
    } else {
      GuardedCall(command_failures, [&] { router_.OnCommand(in.command, now); }, [&] { CommandFailed(in.command); });
    }
    in.contact.reset();
  }
  return n;
}

void RouterShard::CommandFailed(const routing::AgentCommand& command) {
  if (command.correlation == 0) return;
  routing::RoutingEvent& e = router_.events().emplace_back();
  e.type = routing::RoutingEventType::kCommandResult;
  e.tenant = command.tenant;
  e.correlation = command.correlation;
  e.result = StatusCode::kInternal;
  e.error = "the command failed inside the router (logged)";
}

void RouterShard::Flush() {
  auto& events = router_.events();
  if (events.empty()) return;
  counters_.events.fetch_add(events.size(), std::memory_order_relaxed);
  sink_.OnRoutingEvents(events);
  events.clear();
}

void RouterShard::ArmTick() {
  tick_timer_.expires_after(std::chrono::nanoseconds(options_.tick_ns));
  tick_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_.load()) return;
    router_.OnTick(clock_.NowNs());
    Flush();
    ArmTick();
  });
}

}  // namespace routerd::shard
