#include "common/rate_limiter.h"

#include <algorithm>

namespace routerd::adapters {

TokenBucket::TokenBucket(std::int64_t burst, std::int64_t per_minute)
    : burst_(std::max<std::int64_t>(1, burst)),
      ms_per_token_(std::max<std::int64_t>(1, 60'000 / std::max<std::int64_t>(1, per_minute))),
      credit_ms_(burst_ * ms_per_token_) {}

bool TokenBucket::TryTake(std::int64_t now_ms, std::int64_t* retry_after_seconds) {
  std::lock_guard lock(mu_);
  if (last_ms_ >= 0 && now_ms > last_ms_) {
    credit_ms_ = std::min(burst_ * ms_per_token_, credit_ms_ + (now_ms - last_ms_));
  }
  if (now_ms > last_ms_) last_ms_ = now_ms;
  if (credit_ms_ >= ms_per_token_) {
    credit_ms_ -= ms_per_token_;
    return true;
  }
  if (retry_after_seconds != nullptr) *retry_after_seconds = (ms_per_token_ - credit_ms_ + 999) / 1000;
  return false;
}

}  // namespace routerd::adapters
