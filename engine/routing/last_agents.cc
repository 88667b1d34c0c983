#include "engine/routing/last_agents.h"

namespace routerd::routing {

void LastAgents::Remember(std::uint64_t key_hash, std::uint32_t agent, std::int64_t now_ns) {
  if (order_.size() >= kMaxRemembered) PopOldest();
  by_key_[key_hash] = LastAgent{agent, now_ns};
  order_.emplace_back(key_hash, now_ns);
}

std::optional<std::uint32_t> LastAgents::Within(std::uint64_t key_hash, std::int64_t window_ns,
                                                std::int64_t now_ns) const {
  auto it = by_key_.find(key_hash);
  if (it == by_key_.end() || now_ns - it->second.ended_ns > window_ns) return std::nullopt;
  return it->second.agent;
}

void LastAgents::Forget(std::int64_t window_ns, std::int64_t now_ns) {
  while (!order_.empty() && order_.front().second + window_ns < now_ns) PopOldest();
}

void LastAgents::PopOldest() {
  const auto [key, ended] = order_.front();
  order_.pop_front();
  auto it = by_key_.find(key);
  if (it != by_key_.end() && it->second.ended_ns == ended) by_key_.erase(it);
}

void LastAgents::Clear() {
  std::unordered_map<std::uint64_t, LastAgent>().swap(by_key_);
  std::deque<std::pair<std::uint64_t, std::int64_t>>().swap(order_);
}

}  // namespace routerd::routing
