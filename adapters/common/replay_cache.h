// ReplayCache: the once-only values of signed deliveries (Mailgun's `token`,
// WeChat plain mode's `timestamp` and `nonce`), remembered while a delivery
// carrying them could still pass the freshness check, each with a digest of
// the content it delivered.
//
// Why content and not just the value: a provider retry repeats the value
// (Mailgun resends the original timestamp, token and signature), including
// a retry of a delivery routerd answered 503 and never stored. Remembering
// the value alone would refuse that retry and lose the message; remembering
// it only once the delivery was stored would need the adapter to learn the
// outcome. Keyed on value and content instead:
//  - the same value with the same content is a repeat: it passes, and the
//    usual deduplication answers it like the original (or stores it, when the
//    original was refused);
//  - the same value with other content is a replay of a captured signature
//    with a forged body: refused;
//  - a new value is remembered.
//
// Memory is bounded: at most max_entries values (each kept as two 16-byte
// digests and an expiry, whatever the sizes sent), dropped when expired. When
// the cache is full of live values, a new one is refused (kFull) rather than
// an older one forgotten early, which would let it be replayed; the provider
// retries later. Only signature-verified deliveries are remembered, so only
// genuine traffic can fill it.
//
// Thread safety: Check() and size() from any thread (one mutex).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace routerd::adapters {

class ReplayCache {
 public:
  enum class Verdict {
    kNew,       // first time: remembered
    kRepeat,    // seen with the same content: a retry
    kConflict,  // seen with other content: a replay
    kFull,      // not seen, and no room: refuse for now
  };

  // Values are remembered for ttl_ms after they are first seen.
  ReplayCache(std::int64_t ttl_ms, std::size_t max_entries);

  // `once` is the value that must not deliver twice; `content_digest` stands
  // for what it delivered (any bytes: a hash of the fields that matter).
  Verdict Check(std::string_view once, std::string_view content_digest, std::int64_t now_ms);

  std::size_t size() const;

 private:
  struct Entry {
    std::string content;  // 16 bytes of SHA-256(content_digest)
    std::int64_t expires_ms = 0;
  };
  struct Expiry {
    std::string key;
    std::int64_t expires_ms = 0;
  };
  void DropExpired(std::int64_t now_ms);  // REQUIRES: mu_ held

  const std::int64_t ttl_ms_;
  const std::size_t max_entries_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_; key: 16 bytes of SHA-256(once)
  std::deque<Expiry> order_;                        // guarded by mu_; in insertion order
};

}  // namespace routerd::adapters
