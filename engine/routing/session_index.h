// SessionIndex: (channel instance, customer id) -> session slot, as a flat
// open-addressing table.
//
// Why not std::unordered_map: its node-per-entry buckets cost two or three
// dependent cache misses per lookup, plus one more to compare the customer
// string, and it allocates per insert; at hundreds of thousands of open
// sessions that dominated the router (bench/README.md). Here an entry is the
// full 64-bit key hash and the slot, 16 bytes, in one array with linear probing:
// a lookup usually touches one cache line, and the key itself is compared only
// when the hashes are equal. Deletion shifts later entries back (no
// tombstones), so probe chains stay short under churn.
//
// The hash is computed by SessionKeyHash, which producer threads call before
// handing a contact to the shard, so the router thread does not hash strings.
//
// Thread safety: none; owned by one router shard thread.
#pragma once

#include <cassert>
#include <cstdint>
#include <string_view>
#include <vector>

namespace routerd::routing {

std::uint64_t SessionKeyHash(std::uint32_t channel, std::string_view customer_id);

class SessionIndex {
 public:
  static constexpr std::uint32_t kAbsent = UINT32_MAX;

  explicit SessionIndex(std::size_t initial_capacity = 1024) { Resize(RoundUp(initial_capacity)); }

  // The slot whose key matches, else kAbsent. `matches(slot)` confirms the key
  // of a candidate whose hash is equal.
  template <typename Matches>
  std::uint32_t Find(std::uint64_t hash, Matches&& matches) const {
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (e.slot == kAbsent) return kAbsent;
      if (e.hash == hash && matches(e.slot)) return e.slot;
    }
  }

  // REQUIRES: no entry with an equal key is present.
  void Insert(std::uint64_t hash, std::uint32_t slot) {
    if ((size_ + 1) * 2 > entries_.size()) Grow();
    Place(hash, slot);
    ++size_;
  }

  // Removes the entry of `slot`, whose key hashes to `hash`.
  void Erase(std::uint64_t hash, std::uint32_t slot) {
    std::size_t i = hash & mask_;
    while (entries_[i].slot != slot) {
      assert(entries_[i].slot != kAbsent && "erasing a slot that is not indexed");
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
    std::uint32_t slot = kAbsent;
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
  void Place(std::uint64_t hash, std::uint32_t slot) {
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

}  // namespace routerd::routing
