#include "engine/http/auth_failure_guard.h"

#include <algorithm>
#include <cstring>
#include <iterator>

#include <spdlog/spdlog.h>

namespace routerd::http {

AuthFailureGuard::AuthFailureGuard(AuthFailureBudget budget)
    : budget_(budget),
      ms_per_token_(budget.per_minute > 0 ? std::max<std::int64_t>(1, 60'000 / budget.per_minute) : 60'000),
      full_ms_(budget.burst * ms_per_token_) {}

std::size_t AuthFailureGuard::KeyHash::operator()(const Key& k) const noexcept {
  // FNV-1a: the keys are short and not chosen to collide in a way that
  // matters (a collision only shares a bucket map slot, never a budget).
  std::uint64_t h = 1469598103934665603ull;
  for (std::uint8_t b : k) h = (h ^ b) * 1099511628211ull;
  return static_cast<std::size_t>(h);
}

AuthFailureGuard::Key AuthFailureGuard::KeyOf(const boost::asio::ip::address& client) {
  Key key{};
  if (client.is_v6() && !client.to_v6().is_v4_mapped()) {
    key[0] = 6;
    const auto bytes = client.to_v6().to_bytes();
    std::memcpy(key.data() + 1, bytes.data(), 8);
    return key;
  }
  const auto v4 = client.is_v4() ? client.to_v4()
                                 : boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, client.to_v6());
  key[0] = 4;
  const auto bytes = v4.to_bytes();
  std::memcpy(key.data() + 1, bytes.data(), 4);
  return key;
}

void AuthFailureGuard::Refill(Bucket& b, std::int64_t now_ms) const {
  if (now_ms > b.last_ms) {
    b.credit_ms = std::min(full_ms_, b.credit_ms + (now_ms - b.last_ms));
    b.last_ms = now_ms;
  }
}

std::int64_t AuthFailureGuard::Check(const boost::asio::ip::address& client, std::int64_t now_ms) {
  if (!enabled() || tracked_.load(std::memory_order_relaxed) == 0) return 0;
  std::lock_guard lock(mu_);
  auto it = buckets_.find(KeyOf(client));
  if (it == buckets_.end()) return 0;
  Refill(it->second, now_ms);
  if (it->second.credit_ms >= ms_per_token_) return 0;
  refusals_.fetch_add(1, std::memory_order_relaxed);
  return std::max<std::int64_t>(1, (ms_per_token_ - it->second.credit_ms + 999) / 1000);
}

bool AuthFailureGuard::RecordFailure(const boost::asio::ip::address& client, std::int64_t now_ms) {
  if (!enabled()) return false;
  std::lock_guard lock(mu_);
  const Key key = KeyOf(client);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= budget_.max_addresses) Evict(now_ms);
    it = buckets_.emplace(key, Bucket{full_ms_, now_ms}).first;
    tracked_.store(buckets_.size(), std::memory_order_relaxed);
  }
  Bucket& b = it->second;
  Refill(b, now_ms);
  const bool had_token = b.credit_ms >= ms_per_token_;
  b.credit_ms = std::max<std::int64_t>(0, b.credit_ms - ms_per_token_);
  const bool ran_out = had_token && b.credit_ms < ms_per_token_;
  if (ran_out) {
    if (auto held = ran_out_log_.Allow()) {
      spdlog::warn("client {} used up its budget of failed authentications ({} at once, {} a minute); "
                   "it is answered 429 until the budget refills{}",
                   client.to_string(), budget_.burst, budget_.per_minute,
                   *held ? fmt::format(" ({} more addresses since the last message)", *held) : "");
    }
  }
  return ran_out;
}

void AuthFailureGuard::Evict(std::int64_t now_ms) {
  // One sweep frees every refilled bucket. If that leaves the table nearly
  // full (addresses from everywhere, all failing), an eighth goes at once, in
  // hash order, so that the sweeps stay rare: those addresses get a fresh
  // budget, which bounds what they gain to one burst per sweep.
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const std::int64_t credit = it->second.credit_ms + std::max<std::int64_t>(0, now_ms - it->second.last_ms);
    it = credit >= full_ms_ ? buckets_.erase(it) : std::next(it);
  }
  const std::size_t keep = budget_.max_addresses - budget_.max_addresses / 8 - 1;
  for (auto it = buckets_.begin(); buckets_.size() > keep && it != buckets_.end();) it = buckets_.erase(it);
  tracked_.store(buckets_.size(), std::memory_order_relaxed);
}

}  // namespace routerd::http
