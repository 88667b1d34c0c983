// AppendOnlyArray: an array that one writer grows while any number of
// readers index it without a lock, for tables read on hot paths by index
// that a reload may extend: the agent gateway's channels and agent presence
// (new agents), a router's tenants (new tenants; GrowOnlyIndex finds them by
// name).
//
// Elements never move: they live in chunks that are allocated as the array
// grows and freed only with it (chunk k holds kFirstChunk << k elements, so
// the chunks of n elements are O(log n) and a lookup is a few instructions).
// An element is filled in by Append before the new size is published, so a
// reader that sees index i < size() sees element i whole.
//
// Thread safety: size() and operator[] from any thread; Append from one
// thread at a time (the caller serializes writers). An element's own fields
// are the element's business (atomics, a mutex, or written once before
// Append publishes it).
#pragma once

#include <array>
#include <atomic>
#include <bit>
#include <cassert>
#include <cstddef>
#include <memory>
#include <utility>

namespace routerd::base {

template <typename T>
class AppendOnlyArray {
 public:
  static constexpr std::size_t kFirstChunk = 64;
  static constexpr std::size_t kChunks = 32;  // room for 64 * (2^32 - 1) elements

  AppendOnlyArray() = default;
  AppendOnlyArray(const AppendOnlyArray&) = delete;
  AppendOnlyArray& operator=(const AppendOnlyArray&) = delete;
  ~AppendOnlyArray() {
    for (auto& chunk : chunks_) delete[] chunk.load(std::memory_order_relaxed);
  }

  std::size_t size() const { return size_.load(std::memory_order_acquire); }

  // REQUIRES: i < size()
  T& operator[](std::size_t i) const {
    const auto [chunk, offset] = Locate(i);
    return chunks_[chunk].load(std::memory_order_relaxed)[offset];
  }

  // Default-constructs one more element, lets `fill` set it up, then
  // publishes it; returns its index.
  template <typename Fill>
  std::size_t Append(Fill&& fill) {
    const std::size_t i = size_.load(std::memory_order_relaxed);
    const auto [chunk, offset] = Locate(i);
    assert(chunk < kChunks);
    T* elements = chunks_[chunk].load(std::memory_order_relaxed);
    if (elements == nullptr) {
      elements = new T[kFirstChunk << chunk]();
      // Published to readers by the size's release below.
      chunks_[chunk].store(elements, std::memory_order_relaxed);
    }
    std::forward<Fill>(fill)(elements[offset]);
    size_.store(i + 1, std::memory_order_release);
    return i;
  }

 private:
  // Element i is in chunk k = floor(log2(i / kFirstChunk + 1)), which starts
  // at kFirstChunk * (2^k - 1).
  static std::pair<std::size_t, std::size_t> Locate(std::size_t i) {
    const std::size_t n = i / kFirstChunk + 1;
    const std::size_t chunk = static_cast<std::size_t>(std::bit_width(n)) - 1;
    return {chunk, i - kFirstChunk * ((std::size_t{1} << chunk) - 1)};
  }

  std::array<std::atomic<T*>, kChunks> chunks_{};
  std::atomic<std::size_t> size_{0};
};

}  // namespace routerd::base
