#include "engine/ingest/dedup_window.h"

#include <functional>

namespace routerd::ingest {

DedupWindow::DedupWindow(std::int64_t window_ms, std::size_t max_entries)
    : window_ms_(window_ms), max_per_shard_(max_entries / kShards + 1) {}

std::string DedupWindow::Key(std::string_view channel_id, std::string_view id) {
  std::string key;
  key.reserve(channel_id.size() + 1 + id.size());
  key.append(channel_id);
  key.push_back('\x1f');  // cannot appear in a channel id
  key.append(id);
  return key;
}

DedupWindow::Shard& DedupWindow::ShardOf(const std::string& key) {
  return shards_[std::hash<std::string>()(key) % kShards];
}

void DedupWindow::Evict(Shard& s, std::int64_t now_ms) {
  // Called before an insert: make room so the shard stays within its share.
  while (!s.order.empty() && (s.order.front().first <= now_ms || s.expiry.size() >= max_per_shard_)) {
    auto& [expiry, key] = s.order.front();
    auto it = s.expiry.find(key);
    // A released-and-reserved-again key has a newer entry further back.
    if (it != s.expiry.end() && it->second == expiry) s.expiry.erase(it);
    s.order.pop_front();
  }
}

bool DedupWindow::TryReserve(std::string_view channel_id, std::string_view provider_message_id,
                             std::int64_t now_ms) {
  if (!enabled() || provider_message_id.empty()) return true;
  std::string key = Key(channel_id, provider_message_id);
  Shard& s = ShardOf(key);
  std::lock_guard lock(s.mu);
  Evict(s, now_ms);
  const std::int64_t expiry = now_ms + window_ms_;
  auto [it, inserted] = s.expiry.emplace(key, expiry);
  if (!inserted) {
    if (it->second > now_ms) return false;
    it->second = expiry;
  }
  s.order.emplace_back(expiry, std::move(key));
  return true;
}

void DedupWindow::Release(std::string_view channel_id, std::string_view provider_message_id) {
  if (!enabled() || provider_message_id.empty()) return;
  std::string key = Key(channel_id, provider_message_id);
  Shard& s = ShardOf(key);
  std::lock_guard lock(s.mu);
  s.expiry.erase(key);  // its `order` entry no longer matches and is skipped
}

std::size_t DedupWindow::SizeApprox() const {
  std::size_t n = 0;
  for (const Shard& s : shards_) {
    std::lock_guard lock(s.mu);
    n += s.expiry.size();
  }
  return n;
}

}  // namespace routerd::ingest
