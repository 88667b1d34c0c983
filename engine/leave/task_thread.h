// TaskThread: one worker thread running posted tasks in order. The message API
// runs its reads (SQLite queries, voice files) here so that no I/O thread and
// not the journal writer thread ever waits on disk.
//
// Shared ownership (Create returns a shared_ptr) lets journal completions that
// outlive their owner still post safely: after Stop, Post runs the task on the
// caller's thread instead of dropping it, so a deferred HTTP answer is never
// lost.
//
// Thread safety: Post and Stop from any thread except the worker itself (Stop).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace routerd::leave {

class TaskThread : public std::enable_shared_from_this<TaskThread> {
 public:
  using Task = std::function<void()>;

  static std::shared_ptr<TaskThread> Create(std::string name);
  ~TaskThread();

  void Post(Task task);
  // The same; if `task` throws, the failure is logged and `on_failure` runs
  // (for instance to answer its request 500) and the thread goes on.
  void Post(Task task, Task on_failure);
  // Runs what is queued, then joins. Idempotent.
  void Stop();

 private:
  TaskThread() = default;
  void Run();

  std::mutex mu_;
  std::condition_variable cv_;
  struct Queued {
    Task task;
    Task on_failure;  // may be empty
  };
  std::deque<Queued> tasks_;  // guarded by mu_
  bool stopping_ = false;   // guarded by mu_
  std::thread thread_;
};

}  // namespace routerd::leave
