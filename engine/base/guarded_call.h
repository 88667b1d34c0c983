// GuardedCall: runs work on a thread that must outlive it (a router shard, a
// task thread, a journal writer) so that an exception the work throws, a
// std::bad_alloc included, is logged and reported instead of terminating the
// process. The failure is logged escaped, at most once a second per call site
// (with how many were held back), counted, and `on_failure` runs so that a
// request waiting for the work can still be answered (500).
//
// Thread safety: a FailureLog may be shared by any threads.
#pragma once

#include <atomic>
#include <chrono>
#include <exception>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include <spdlog/spdlog.h>

#include "engine/base/log_escape.h"
#include "engine/base/log_limiter.h"

namespace routerd {

class FailureLog {
 public:
  // `where` names the kind of work in the log line ("router shard task").
  explicit FailureLog(std::string where) : where_(std::move(where)) {}

  void Report(std::string_view what) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    if (auto held = limiter_.Allow()) {
      if (*held > 0) {
        spdlog::error("{} failed: {}; it was dropped and the thread goes on ({} more failures since the last message)",
                      where_, EscapeForLog(what), *held);
      } else {
        spdlog::error("{} failed: {}; it was dropped and the thread goes on", where_, EscapeForLog(what));
      }
    }
  }
  std::uint64_t failures() const { return failures_.load(std::memory_order_relaxed); }

 private:
  const std::string where_;
  LogLimiter limiter_{std::chrono::seconds(1)};
  std::atomic<std::uint64_t> failures_{0};
};

// Runs `work()`; on an exception reports it to `log` and runs `on_failure()`
// (whose own exceptions are reported too, and go no further). True when the
// work completed.
template <typename Work, typename OnFailure>
bool GuardedCall(FailureLog& log, Work&& work, OnFailure&& on_failure) {
  const char* what = nullptr;
  std::string message;
  try {
    std::forward<Work>(work)();
    return true;
  } catch (const std::bad_alloc&) {
    what = "out of memory (std::bad_alloc)";
  } catch (const std::exception& e) {
    message = e.what();
  } catch (...) {
    what = "a non-standard exception";
  }
  log.Report(what != nullptr ? std::string_view(what) : std::string_view(message));
  try {
    std::forward<OnFailure>(on_failure)();
  } catch (...) {
    log.Report("its failure handler threw as well");
  }
  return false;
}

template <typename Work>
bool GuardedCall(FailureLog& log, Work&& work) {
  return GuardedCall(log, std::forward<Work>(work), [] {});
}


// Runs an event loop (an asio::io_context) until it returns normally. A
// handler that throws is reported and the loop runs on: Asio leaves the
// context usable after a handler's exception, so only the work of that one
// handler is lost, not the thread and everything else it serves.
template <typename EventLoop>
void RunEventLoopGuarded(EventLoop& loop, FailureLog& log) {
  while (!GuardedCall(log, [&] { loop.run(); })) {
  }
}

}  // namespace routerd
