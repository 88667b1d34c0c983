// Clock: where routerd reads time, so that tests can drive it.
//
// Routing decisions use the monotonic clock (NowNs); timestamps that leave the
// process (contact received_at, leave-message times) use the wall clock.
//
// Thread safety: implementations must be safe to call from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace routerd {

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic nanoseconds; only differences are meaningful.
  virtual std::int64_t NowNs() const = 0;
  // Wall clock, Unix milliseconds.
  virtual std::int64_t WallMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t NowNs() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  std::int64_t WallMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that moves only when told to; for tests and simulations.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t start_ns = 1'000'000'000, std::int64_t wall_ms = 1'700'000'000'000)
      : now_ns_(start_ns), wall_base_ms_(wall_ms - start_ns / 1'000'000) {}
  std::int64_t NowNs() const override { return now_ns_.load(std::memory_order_relaxed); }
  std::int64_t WallMs() const override { return wall_base_ms_ + NowNs() / 1'000'000; }
  void Advance(std::int64_t ns) { now_ns_.fetch_add(ns, std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> now_ns_;
  std::int64_t wall_base_ms_;
};

}  // namespace routerd
