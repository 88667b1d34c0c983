// DedupWindow: remembers the (channel instance, provider message id) keys of
// accepted deliveries for a bounded time and count, so that a provider's retry
// of something already accepted is answered 200 and creates nothing new.
//
// A key is reserved before its contact is handed to the router and released
// again if the hand-off fails, so two concurrent deliveries of one message
// cannot both get through, and a refused one can be retried.
//
// Bounded: entries older than the window, or beyond max_entries (oldest
// first), are forgotten. With sync durability the journal's unique key is the
// deduplication and this window is not used; with async it answers retries
// without waiting for the journal (which still catches older ones, late).
//
// Thread safety: all methods from any thread. Keys are spread over 64 shards,
// each with its own mutex held for a hash-map operation only.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace routerd::ingest {

class DedupWindow {
 public:
  DedupWindow(std::int64_t window_ms, std::size_t max_entries);

  bool enabled() const { return window_ms_ > 0; }
  // True when the key was not present: it is now reserved. False for a duplicate.
  bool TryReserve(std::string_view channel_id, std::string_view provider_message_id, std::int64_t now_ms);
  // Forgets a reservation whose hand-off failed.
  void Release(std::string_view channel_id, std::string_view provider_message_id);
  std::size_t SizeApprox() const;

 private:
  static constexpr std::size_t kShards = 64;
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, std::int64_t> expiry;  // key -> expiry ms
    std::deque<std::pair<std::int64_t, std::string>> order;  // (expiry, key), oldest first
  };
  static std::string Key(std::string_view channel_id, std::string_view id);
  Shard& ShardOf(const std::string& key);
  void Evict(Shard& s, std::int64_t now_ms);

  const std::int64_t window_ms_;
  const std::size_t max_per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace routerd::ingest
