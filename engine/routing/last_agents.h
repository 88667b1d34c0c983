// Customers' last agents, for queues with sticky_seconds: a session key's
// hash -> the agent that served the customer's last session and when that
// session ended. Entries are forgotten once older than a window (the longest
// sticky_seconds of the tenant), and oldest first beyond kMaxRemembered, so
// the memory stays bounded whatever the traffic.
//
// Thread safety: none; its tenant router's shard thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>
#include <utility>

namespace routerd::routing {

class LastAgents {
 public:
  static constexpr std::size_t kMaxRemembered = 1 << 20;

  void Remember(std::uint64_t key_hash, std::uint32_t agent, std::int64_t now_ns);
  // The customer's last agent if its session ended at most `window_ns` before `now_ns`.
  std::optional<std::uint32_t> Within(std::uint64_t key_hash, std::int64_t window_ns, std::int64_t now_ns) const;
  // Forgets the sessions that ended more than `window_ns` before `now_ns`.
  void Forget(std::int64_t window_ns, std::int64_t now_ns);
  bool empty() const { return order_.empty(); }
  // Nothing remembered, and the memory released.
  void Clear();

 private:
  struct LastAgent {
    std::uint32_t agent;
    std::int64_t ended_ns;
  };
  // Drops the oldest entry of order_ (a later session of the same customer
  // refreshed its map entry: that one stays).
  void PopOldest();

  std::unordered_map<std::uint64_t, LastAgent> by_key_;
  std::deque<std::pair<std::uint64_t, std::int64_t>> order_;  // (key hash, ended), oldest first
};

}  // namespace routerd::routing
