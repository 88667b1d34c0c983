// AuthFailureGuard: a budget of failed authentications per client address, so
// that nobody can guess tokens, verify tokens or signatures at line rate.
//
// Every answer that says "not authenticated" (401, a webhook whose signature
// or verification handshake does not verify, a wallboard whose first frame
// names no token) takes one token from the bucket of the client's address.
// An address whose bucket is empty gets 429 with Retry-After on every request
// until a token has come back: before its header is handed to any handler,
// so before any token is looked up or any body read. Only failures cost
// anything; a client that authenticates never waits.
//
// Addresses: IPv4 by address, IPv6 by its /64 (what one host usually holds);
// IPv4-mapped IPv6 as IPv4. Behind a reverse proxy every client has the
// proxy's address, so the budget is then the proxy's (config/README.md).
//
// Memory is bounded: at most max_addresses are remembered; a full table
// forgets the addresses whose buckets have refilled, and when that is not
// enough, an eighth of the others.
//
// Thread safety: every method from any thread. While no failure is
// remembered, Check() reads one atomic and takes no lock.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <unordered_map>

#include <boost/asio/ip/address.hpp>

#include "engine/base/log_limiter.h"

namespace routerd::http {

struct AuthFailureBudget {
  std::int64_t burst = 20;       // failures allowed at once; 0 turns the guard off
  std::int64_t per_minute = 10;  // failures regained a minute
  std::size_t max_addresses = 65536;  // at least 8
};

class AuthFailureGuard {
 public:
  explicit AuthFailureGuard(AuthFailureBudget budget);

  bool enabled() const { return budget_.burst > 0; }

  // 0 when `client` may go on; else the seconds until its next failure would
  // be allowed (for Retry-After).
  std::int64_t Check(const boost::asio::ip::address& client, std::int64_t now_ms);

  // Takes one token from the client's bucket. Returns true when this failure
  // used the client's last token: it is refused from now on, and a warning
  // says so (at most one line per 10 s, with a count of those held back).
  bool RecordFailure(const boost::asio::ip::address& client, std::int64_t now_ms);

  std::size_t tracked() const { return tracked_.load(std::memory_order_relaxed); }
  std::uint64_t refusals() const { return refusals_.load(std::memory_order_relaxed); }

 private:
  using Key = std::array<std::uint8_t, 9>;  // family tag, then 4 (IPv4) or 8 (IPv6 /64) bytes
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept;
  };
  struct Bucket {
    std::int64_t credit_ms;  // tokens left, counted in ms of refill time
    std::int64_t last_ms;
  };
  static Key KeyOf(const boost::asio::ip::address& client);
  // Brings the bucket's credit up to `now_ms`.
  void Refill(Bucket& b, std::int64_t now_ms) const;
  // Makes room for one more address. REQUIRES: mu_ held.
  void Evict(std::int64_t now_ms);

  const AuthFailureBudget budget_;
  const std::int64_t ms_per_token_;
  const std::int64_t full_ms_;
  std::atomic<std::size_t> tracked_{0};
  std::atomic<std::uint64_t> refusals_{0};
  LogLimiter ran_out_log_{std::chrono::seconds(10)};
  std::mutex mu_;
  std::unordered_map<Key, Bucket, KeyHash> buckets_;  // guarded by mu_
};

}  // namespace routerd::http
