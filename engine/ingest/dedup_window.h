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
// Layout: this runs once per webhook contact on the I/O threads, so a key
// costs no node of its own. A shard keeps its keys in a ring in the order they
// were reserved, which is also the order they expire (one window for all), so
// forgetting is popping the ring's oldest end; a FlatHashIndex finds a key's
// place in the ring by its hash. Once the ring has come round, a new key
// reuses the string of the one it replaces: no allocation at all.
//
// Thread safety: all methods from any thread. Keys are spread over 64 shards,
// each with its own mutex held for one lookup and insert only.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/flat_hash_index.h"

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
  static constexpr std::size_t kShards = 64;  // ShardOf takes the hash's top 6 bits
  struct Entry {
    std::int64_t expiry_ms = 0;
    std::uint64_t hash = 0;
    std::string key;    // channel id, '\x1f', provider message id
    bool live = false;  // false once released or forgotten
  };
  // A cache line of its own: I/O threads on different cores lock different
  // shards without sharing a line.
  struct alignas(64) Shard {
    mutable std::mutex mu;
    std::vector<Entry> ring;  // grows by doubling up to the shard's share, then is reused
    std::size_t oldest = 0;   // ring position of the oldest entry
    std::size_t count = 0;    // entries in the ring, released ones included
    std::size_t live = 0;
    base::FlatHashIndex index{64};  // hash -> ring position, live entries only
  };
  struct Key {
    std::string_view channel_id;
    std::string_view id;
    std::uint64_t hash;
  };

  static Key KeyOf(std::string_view channel_id, std::string_view id);
  static bool Matches(const Entry& e, const Key& k);
  Shard& ShardOf(const Key& k) { return shards_[k.hash >> 58]; }  // the index uses the low bits
  // The ring position of the live entry for `k`, or FlatHashIndex::kAbsent.
  static std::uint32_t Find(const Shard& s, const Key& k);
  static void Forget(Shard& s, std::size_t position);
  void Evict(Shard& s, std::int64_t now_ms) const;
  void Grow(Shard& s) const;

  const std::int64_t window_ms_;
  const std::size_t max_per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace routerd::ingest
