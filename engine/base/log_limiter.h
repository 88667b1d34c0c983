// LogLimiter: lets a recurring log line through at most once per interval and
// counts the occurrences it held back, so a flood (descriptors exhausted, a
// connection storm, a handler failing on every request) costs one line per
// interval instead of filling the disk.
//
// Thread safety: Allow() from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

namespace routerd {

class LogLimiter {
 public:
  explicit LogLimiter(std::chrono::steady_clock::duration interval) : interval_(interval) {}

  // nullopt: stay quiet (counted). Otherwise log now; the value is how many
  // occurrences were held back since the last line.
  std::optional<std::uint64_t> Allow() {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mu_);
    if (logged_once_ && now - last_ < interval_) {
      ++held_back_;
      return std::nullopt;
    }
    logged_once_ = true;
    last_ = now;
    const std::uint64_t held = held_back_;
    held_back_ = 0;
    return held;
  }

 private:
  const std::chrono::steady_clock::duration interval_;
  std::mutex mu_;
  std::chrono::steady_clock::time_point last_;  // guarded by mu_
  std::uint64_t held_back_ = 0;                 // guarded by mu_
  bool logged_once_ = false;                    // guarded by mu_
};

}  // namespace routerd
