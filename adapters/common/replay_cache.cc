#include "common/replay_cache.h"

#include "common/hmac.h"

namespace routerd::adapters {
namespace {

// Fixed-size keys: what a client sends cannot make an entry larger. 128 bits
// of SHA-256 make an accidental collision negligible.
std::string Digest16(std::string_view bytes) { return Sha256(bytes).substr(0, 16); }

}  // namespace

ReplayCache::ReplayCache(std::int64_t ttl_ms, std::size_t max_entries)
    : ttl_ms_(ttl_ms), max_entries_(max_entries) {}

void ReplayCache::DropExpired(std::int64_t now_ms) {
  // Every entry lives ttl_ms_, so insertion order is expiry order (up to
  // wall-clock steps, which only delay a drop).
  while (!order_.empty() && order_.front().expires_ms <= now_ms) {
    auto it = entries_.find(order_.front().key);
    // The key may have been remembered again after it expired: keep that one.
    if (it != entries_.end() && it->second.expires_ms == order_.front().expires_ms) entries_.erase(it);
    order_.pop_front();
  }
}

ReplayCache::Verdict ReplayCache::Check(std::string_view once, std::string_view content_digest,
                                        std::int64_t now_ms) {
  std::string key = Digest16(once);
  std::string content = Digest16(content_digest);
  std::lock_guard lock(mu_);
  DropExpired(now_ms);
  auto it = entries_.find(key);
  if (it != entries_.end() && it->second.expires_ms > now_ms) {
    return it->second.content == content ? Verdict::kRepeat : Verdict::kConflict;
  }
  if (it == entries_.end() && entries_.size() >= max_entries_) return Verdict::kFull;
  const std::int64_t expires = now_ms + ttl_ms_;
  entries_[key] = Entry{std::move(content), expires};
  order_.push_back(Expiry{std::move(key), expires});
  return Verdict::kNew;
}

std::size_t ReplayCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace routerd::adapters
