#include "engine/leave/task_thread.h"

#include "engine/base/guarded_call.h"
#include "engine/base/thread_name.h"

#include <pthread.h>

namespace routerd::leave {

std::shared_ptr<TaskThread> TaskThread::Create(std::string name) {
  std::shared_ptr<TaskThread> t(new TaskThread());
  t->thread_ = std::thread([raw = t.get()] {
    SetThreadName("rd-msg-reads");
    raw->Run();
  });
  pthread_setname_np(t->thread_.native_handle(), name.substr(0, 15).c_str());
  return t;
}

TaskThread::~TaskThread() { Stop(); }

namespace {
FailureLog& TaskFailures() {
  static FailureLog log("a leave-message task");
  return log;
}

void RunTask(TaskThread::Task& task, TaskThread::Task& on_failure) {
  GuardedCall(TaskFailures(), task, [&on_failure] {
    if (on_failure) on_failure();
  });
}
}  // namespace

void TaskThread::Post(Task task) { Post(std::move(task), {}); }

void TaskThread::Post(Task task, Task on_failure) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      tasks_.push_back(Queued{std::move(task), std::move(on_failure)});
      cv_.notify_one();
      return;
    }
  }
  RunTask(task, on_failure);
}

void TaskThread::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void TaskThread::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
    if (tasks_.empty()) return;  // stopping, and everything queued has run
    Queued next = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    RunTask(next.task, next.on_failure);
    lock.lock();
  }
}

}  // namespace routerd::leave
