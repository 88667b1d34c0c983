#include "engine/leave/memory_leave_message_store.h"

namespace routerd::leave {

void MemoryLeaveMessageStore::Submit(std::vector<LeaveMessage>&& batch) {
  std::lock_guard lock(mu_);
  for (LeaveMessage& m : batch) {
    if (messages_.size() == capacity_) {
      messages_.pop_front();
      dropped_.fetch_add(1, std::memory_order_relaxed);
    }
    messages_.push_back(std::move(m));
  }
}

std::size_t MemoryLeaveMessageStore::size() const {
  std::lock_guard lock(mu_);
  return messages_.size();
}

std::vector<LeaveMessage> MemoryLeaveMessageStore::Snapshot() const {
  std::lock_guard lock(mu_);
  return {messages_.begin(), messages_.end()};
}

}  // namespace routerd::leave
