// TokenBucket: a bound on how often something unauthenticated may happen
// (X's CRC handshake answers with an HMAC computed for whoever asks).
//
// Time comes from the caller (the request's wall clock), so tests need no
// sleeping and the bucket has no clock of its own. A clock that steps back
// refills nothing.
//
// Thread safety: TryTake() from any thread (a mutex; held for a few
// arithmetic operations).
#pragma once

#include <cstdint>
#include <mutex>

namespace routerd::adapters {

class TokenBucket {
 public:
  // Holds at most `burst` tokens and gains `per_minute` tokens a minute.
  // REQUIRES: burst >= 1, per_minute >= 1.
  TokenBucket(std::int64_t burst, std::int64_t per_minute);

  // Takes a token if one is there. Otherwise returns false and sets
  // `retry_after_seconds` (when not null) to when the next one will be.
  bool TryTake(std::int64_t now_ms, std::int64_t* retry_after_seconds = nullptr);

 private:
  const std::int64_t burst_;
  const std::int64_t ms_per_token_;
  std::mutex mu_;
  // Tokens are counted in milliseconds of refill time: `credit_ms_` is
  // tokens * ms_per_token_, capped at burst_ * ms_per_token_.
  std::int64_t credit_ms_;       // guarded by mu_
  std::int64_t last_ms_ = -1;    // guarded by mu_; -1 before the first call
};

}  // namespace routerd::adapters
