// MemoryLeaveMessageStore: keeps leave messages in process memory, bounded.
// Used until durable storage exists and in tests; what it holds is lost when
// the process exits (said in README), and past `capacity` the oldest are
// dropped and counted.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>

#include "engine/leave/leave_message_sink.h"

namespace routerd::leave {

class MemoryLeaveMessageStore final : public LeaveMessageSink {
 public:
  explicit MemoryLeaveMessageStore(std::size_t capacity = 100000) : capacity_(capacity) {}

  void Submit(std::vector<LeaveMessage>&& batch) override;

  std::size_t size() const;
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  std::vector<LeaveMessage> Snapshot() const;

 private:
  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::deque<LeaveMessage> messages_;  // guarded by mu_
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace routerd::leave
