#include "engine/leave/task_thread.h"

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

void TaskThread::Post(Task task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      tasks_.push_back(std::move(task));
      cv_.notify_one();
      return;
    }
  }
  task();
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
    Task task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    task();
    lock.lock();
  }
}

}  // namespace routerd::leave
