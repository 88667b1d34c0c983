#include "common/time_units.h"

#include <limits>

namespace routerd::adapters {

namespace {
constexpr std::int64_t kMillisThreshold = 1'000'000'000'000;  // 10^12
}  // namespace

std::int64_t EpochToMillis(std::int64_t value) {
  if (value >= kMillisThreshold) return value;
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  if (value < kMin / 1000) return kMin;
  return value * 1000;
}

std::optional<std::int64_t> ParseEpochString(std::string_view digits) {
  if (digits.empty()) return std::nullopt;
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::int64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    int d = c - '0';
    if (value > (kMax - d) / 10) return std::nullopt;
    value = value * 10 + d;
  }
  return value;
}

}  // namespace routerd::adapters
