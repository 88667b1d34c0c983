// GrowOnlyIndex: values by name that one writer adds to while any number of
// readers find them without a lock, for the per-tenant tables read on hot
// paths (webhooks, agent events, presence) that a reload may give a tenant.
//
// Values never move and are never removed (a tenant a reload takes away is
// retired by its owner, not erased). Adds are staged and become visible
// together at Publish, so a start-up that adds a thousand tenants makes one
// version of the index, not a thousand. A reader may still hold an earlier
// version, so every published version is kept until the index is destroyed:
// one per Publish, each as large as the index was then; reloads that add
// tenants are rare, which keeps that small.
//
// Thread safety: Find, size and at from any thread; Add and Publish from one
// thread at a time (the caller serializes writers). A value's own fields are
// the value's business.
#pragma once

#include <atomic>
#include <cassert>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/base/append_only_array.h"

namespace routerd::base {

template <typename V>
class GrowOnlyIndex {
 public:
  GrowOnlyIndex() = default;
  GrowOnlyIndex(const GrowOnlyIndex&) = delete;
  GrowOnlyIndex& operator=(const GrowOnlyIndex&) = delete;

  // nullptr for a name not published.
  V* Find(std::string_view name) const {
    const Map* map = map_.load(std::memory_order_acquire);
    if (map == nullptr) return nullptr;
    auto it = map->find(name);
    return it == map->end() ? nullptr : it->second;
  }
  // The published values, in the order they were added.
  std::size_t size() const { return published_.load(std::memory_order_acquire); }
  // REQUIRES: i < size()
  V& at(std::size_t i) const { return *values_[i]; }
  // Values added, published or not: the position the next Add takes. Writer only.
  std::size_t added() const { return values_.size(); }

  // A new value named `name`, constructed from `args`, visible to readers
  // after the next Publish. REQUIRES: `name` not added before.
  template <typename... Args>
  V& Add(std::string name, Args&&... args) {
    if (next_ == nullptr) {
      const Map* current = map_.load(std::memory_order_relaxed);
      next_ = current == nullptr ? std::make_unique<Map>() : std::make_unique<Map>(*current);
    }
    auto value = std::make_unique<V>(std::forward<Args>(args)...);
    V* raw = value.get();
    const bool fresh = next_->emplace(std::move(name), raw).second;
    assert(fresh);
    (void)fresh;
    values_.Append([&value](std::unique_ptr<V>& slot) { slot = std::move(value); });
    return *raw;
  }
  // Makes every value added since the last Publish visible.
  void Publish() {
    if (next_ == nullptr) return;
    map_.store(next_.get(), std::memory_order_release);
    versions_.push_back(std::move(next_));
    published_.store(values_.size(), std::memory_order_release);
  }

 private:
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using Map = std::unordered_map<std::string, V*, NameHash, std::equal_to<>>;

  AppendOnlyArray<std::unique_ptr<V>> values_;
  std::atomic<const Map*> map_{nullptr};
  std::atomic<std::size_t> published_{0};
  std::unique_ptr<Map> next_;                   // writer only: the adds not yet published
  std::vector<std::unique_ptr<Map>> versions_;  // writer only: every version a reader may hold
};

}  // namespace routerd::base
