#include "engine/ingest/dedup_window.h"

#include <algorithm>
#include <cassert>
#include <functional>

namespace routerd::ingest {

DedupWindow::DedupWindow(std::int64_t window_ms, std::size_t max_entries)
    : window_ms_(window_ms), max_per_shard_(max_entries / kShards + 1) {}

DedupWindow::Key DedupWindow::KeyOf(std::string_view channel_id, std::string_view id) {
  // The shard takes the top bits, the index the low ones: both mixed.
  return Key{channel_id, id, base::DedupKeyHash(channel_id, id)};
}

bool DedupWindow::Matches(const Entry& e, const Key& k) {
  const std::string_view key = e.key;
  return key.size() == k.channel_id.size() + 1 + k.id.size() && key.starts_with(k.channel_id) &&
         key[k.channel_id.size()] == '\x1f' && key.ends_with(k.id);
}

std::uint32_t DedupWindow::Find(const Shard& s, const Key& k) {
  return s.index.Find(k.hash, [&](std::uint32_t position) { return Matches(s.ring[position], k); });
}

void DedupWindow::Forget(Shard& s, std::size_t position) {
  Entry& e = s.ring[position];
  if (!e.live) return;
  s.index.Erase(e.hash, static_cast<std::uint32_t>(position));
  e.live = false;
  --s.live;
}

void DedupWindow::Evict(Shard& s, std::int64_t now_ms) const {
  // Called before an insert: make room so the shard stays within its share.
  while (s.count > 0 && (s.ring[s.oldest].expiry_ms <= now_ms || s.count >= max_per_shard_)) {
    Forget(s, s.oldest);
    s.oldest = (s.oldest + 1) % s.ring.size();
    --s.count;
  }
}

void DedupWindow::Grow(Shard& s) const {
  // The ring is full and below its share (Evict keeps count under it): lay it
  // out oldest first, double it, and index the live entries where they now are.
  assert(s.ring.size() < max_per_shard_);
  std::rotate(s.ring.begin(), s.ring.begin() + static_cast<std::ptrdiff_t>(s.oldest), s.ring.end());
  s.oldest = 0;
  s.ring.resize(std::min(max_per_shard_, std::max<std::size_t>(16, s.ring.size() * 2)));
  s.index = base::FlatHashIndex(s.ring.size());
  for (std::size_t i = 0; i < s.count; ++i) {
    if (s.ring[i].live) s.index.Insert(s.ring[i].hash, static_cast<std::uint32_t>(i));
  }
}

bool DedupWindow::TryReserve(std::string_view channel_id, std::string_view provider_message_id,
                             std::int64_t now_ms) {
  if (!enabled() || provider_message_id.empty()) return true;
  const Key k = KeyOf(channel_id, provider_message_id);
  Shard& s = ShardOf(k);
  std::lock_guard lock(s.mu);
  Evict(s, now_ms);
  if (const std::uint32_t found = Find(s, k); found != base::FlatHashIndex::kAbsent) {
    if (s.ring[found].expiry_ms > now_ms) return false;
    // Expired but not yet popped: the clock stepped back since later keys
    // were reserved. The key is new again.
    Forget(s, found);
  }
  if (s.count == s.ring.size()) Grow(s);
  const std::size_t position = (s.oldest + s.count) % s.ring.size();
  Entry& e = s.ring[position];
  e.expiry_ms = now_ms + window_ms_;
  e.hash = k.hash;
  e.key.assign(channel_id);  // keeps the capacity of the key it replaces
  e.key.push_back('\x1f');   // cannot appear in a channel id
  e.key.append(provider_message_id);
  e.live = true;
  s.index.Insert(k.hash, static_cast<std::uint32_t>(position));
  ++s.count;
  ++s.live;
  return true;
}

void DedupWindow::Release(std::string_view channel_id, std::string_view provider_message_id) {
  if (!enabled() || provider_message_id.empty()) return;
  const Key k = KeyOf(channel_id, provider_message_id);
  Shard& s = ShardOf(k);
  std::lock_guard lock(s.mu);
  if (const std::uint32_t found = Find(s, k); found != base::FlatHashIndex::kAbsent) Forget(s, found);
}

std::size_t DedupWindow::SizeApprox() const {
  std::size_t n = 0;
  for (const Shard& s : shards_) {
    std::lock_guard lock(s.mu);
    n += s.live;
  }
  return n;
}

}  // namespace routerd::ingest
