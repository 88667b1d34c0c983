// FlatHashIndex: a 64-bit key hash -> a slot in the owner's own table, as a
// flat open-addressing array, for indexes on hot paths (the router's
// sessions and the ingest dedup window: a 32-bit slot; a journal partition's
// dedup keys: the 64-bit row that holds the key, BasicFlatHashIndex).
//
// Why not std::unordered_map: its node-per-entry buckets cost two or three
// dependent cache misses per lookup, plus one more to compare the key, and it
// allocates per insert. Here an entry is the full 64-bit hash and the slot,
// 16 bytes, in one array with linear probing: a lookup usually touches one
// cache line, and the owner's key is compared only when the hashes are equal
// (the `matches` callback). Deletion shifts later entries back (no
// tombstones), so probe chains stay short under churn. The table uses the low
// bits of the hash: callers that also shard by hash use the high ones. It
// grows at half full: 2 to 4 entries per key.
//
// Several entries may share a hash, and (BasicFlatHashIndex) a slot: Find
// offers each entry of the hash to `matches` in turn, and Erase removes one
// entry equal to the (hash, slot) it is given.
//
// Thread safety: none; the owner serializes access.
#pragma once

#include <cassert>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace routerd::base {

// Spreads a string hash's entropy over all 64 bits (std::hash of a string
// need not), so that the index's low bits and a caller's high shard bits are
// both well mixed. The one finalizer for every key hash of a FlatHashIndex.
inline std::uint64_t SpreadHashBits(std::uint64_t h) {
  h ^= h >> 31;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 29;
  return h;
}

// The hash of a dedup key, (channel id, provider message id): the one rule
// for the ingest window and the journal's key index. The channel's hash is
// multiplied by an odd constant (a bijection), so keys that differ only in
// their channel differ before the mixing.
inline std::uint64_t DedupKeyHash(std::string_view channel_id, std::string_view provider_message_id) {
  std::uint64_t h = std::hash<std::string_view>()(provider_message_id);
  h ^= std::hash<std::string_view>()(channel_id) * 0x9E3779B97F4A7C15ull;
  return SpreadHashBits(h);
}

template <typename Slot, Slot kAbsentSlot>
class BasicFlatHashIndex {
 public:
  static constexpr Slot kAbsent = kAbsentSlot;

  explicit BasicFlatHashIndex(std::size_t initial_capacity = 1024) { Resize(RoundUp(initial_capacity)); }

  // The slot whose key matches, else kAbsent. `matches(slot)` confirms the key
  // of a candidate whose hash is equal.
  template <typename Matches>
  Slot Find(std::uint64_t hash, Matches&& matches) const {
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (e.slot == kAbsent) return kAbsent;
      if (e.hash == hash && matches(e.slot)) return e.slot;
    }
  }

  // REQUIRES: no entry with an equal key is present.
  void Insert(std::uint64_t hash, Slot slot) {
    if ((size_ + 1) * 2 > entries_.size()) Grow();
    Place(hash, slot);
    ++size_;
  }

  // Removes the entry of `slot`, whose key hashes to `hash`; nothing when
  // there is none (a caller's bug, caught by the assertion in debug builds,
  // must not spin the thread forever in a release build).
  void Erase(std::uint64_t hash, Slot slot) {
    std::size_t i = hash & mask_;
    while (entries_[i].slot != slot || entries_[i].hash != hash) {
      if (entries_[i].slot == kAbsent) {
        assert(false && "erasing a slot that is not indexed");
        return;
      }
      i = (i + 1) & mask_;
    }
    // Backward-shift deletion: pull later entries of the probe run into the
    // hole when their home position allows it.
    std::size_t hole = i;
    for (std::size_t j = (i + 1) & mask_; entries_[j].slot != kAbsent; j = (j + 1) & mask_) {
      const std::size_t home = entries_[j].hash & mask_;
      // Move j into the hole unless its home lies cyclically in (hole, j].
      const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
      if (!stays) {
        entries_[hole] = entries_[j];
        hole = j;
      }
    }
    entries_[hole] = Entry{};
    --size_;
  }

  std::size_t size() const { return size_; }

 private:
  struct Entry {
    std::uint64_t hash = 0;
    Slot slot = kAbsent;
  };

  static std::size_t RoundUp(std::size_t n) {
    std::size_t c = 16;
    while (c < n) c <<= 1;
    return c;
  }
  void Resize(std::size_t capacity) {
    entries_.assign(capacity, Entry{});
    mask_ = capacity - 1;
  }
  void Place(std::uint64_t hash, Slot slot) {
    std::size_t i = hash & mask_;
    while (entries_[i].slot != kAbsent) i = (i + 1) & mask_;
    entries_[i] = Entry{hash, slot};
  }
  void Grow() {
    std::vector<Entry> old;
    old.swap(entries_);
    Resize(old.size() * 2);
    for (const Entry& e : old) {
      if (e.slot != kAbsent) Place(e.hash, e.slot);
    }
  }

  std::vector<Entry> entries_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

using FlatHashIndex = BasicFlatHashIndex<std::uint32_t, UINT32_MAX>;

}  // namespace routerd::base
