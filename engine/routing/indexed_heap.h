// IndexedHeap: a 4-ary min-heap whose entries can be re-keyed or erased in
// O(log n) because the heap reports every slot an entry moves to.
//
// The router keeps two kinds: eligible agents of a skill queue ordered by the
// policy's rank, and waiting sessions ordered by arrival. Both need "this item
// changed, fix its place" and "remove this item", which std::priority_queue
// cannot do. Four children per node halve the depth of a binary heap, and a
// level of four 24-byte entries fits one or two cache lines.
//
// `OnMove(const Entry&, uint32_t slot)` is called whenever an entry lands in a
// slot, so the owner can store the slot next to the item it describes.
//
// Thread safety: none; owned by one router shard thread.
#pragma once

#include <cassert>
#include <cstdint>
#include <utility>
#include <vector>

namespace routerd::routing {

template <typename Entry, typename Less, typename OnMove>
class IndexedHeap {
 public:
  static constexpr std::uint32_t kArity = 4;

  explicit IndexedHeap(Less less = Less(), OnMove on_move = OnMove())
      : less_(std::move(less)), on_move_(std::move(on_move)) {}

  bool empty() const { return v_.empty(); }
  std::uint32_t size() const { return static_cast<std::uint32_t>(v_.size()); }
  // REQUIRES: !empty()
  const Entry& top() const { return v_.front(); }
  const Entry& at(std::uint32_t slot) const { return v_[slot]; }
  void reserve(std::size_t n) { v_.reserve(n); }
  // Keeps the capacity.
  void clear() { v_.clear(); }

  void Push(const Entry& e) {
    v_.push_back(e);
    SiftUp(size() - 1);
  }

  // Replaces the entry in `slot` with `e` and restores heap order.
  void Update(std::uint32_t slot, const Entry& e) {
    assert(slot < size());
    if (less_(e, v_[slot])) {
      v_[slot] = e;
      SiftUp(slot);
    } else {
      v_[slot] = e;
      SiftDown(slot);
    }
  }

  void Erase(std::uint32_t slot) {
    assert(slot < size());
    const std::uint32_t last = size() - 1;
    if (slot != last) {
      Entry moved = v_[last];
      v_.pop_back();
      Update(slot, moved);
    } else {
      v_.pop_back();
    }
  }

  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const Entry& e : v_) fn(e);
  }

 private:
  void Place(std::uint32_t slot, const Entry& e) {
    v_[slot] = e;
    on_move_(e, slot);
  }

  void SiftUp(std::uint32_t slot) {
    Entry e = v_[slot];
    while (slot > 0) {
      std::uint32_t parent = (slot - 1) / kArity;
      if (!less_(e, v_[parent])) break;
      Place(slot, v_[parent]);
      slot = parent;
    }
    Place(slot, e);
  }

  void SiftDown(std::uint32_t slot) {
    Entry e = v_[slot];
    const std::uint32_t n = size();
    for (;;) {
      std::uint32_t first = slot * kArity + 1;
      if (first >= n) break;
      std::uint32_t best = first;
      std::uint32_t end = first + kArity < n ? first + kArity : n;
      for (std::uint32_t c = first + 1; c < end; ++c) {
        if (less_(v_[c], v_[best])) best = c;
      }
      if (!less_(v_[best], e)) break;
      Place(slot, v_[best]);
      slot = best;
    }
    Place(slot, e);
  }

  std::vector<Entry> v_;
  Less less_;
  OnMove on_move_;
};

}  // namespace routerd::routing
