// Timestamps as providers send them: seconds or milliseconds, numbers or
// decimal strings. Everything routerd stores is Unix milliseconds.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace routerd::adapters {

// Values below 10^12 are seconds (10^12 ms is 2001-09-09, so no real
// millisecond timestamp is that small, and no seconds value that large until
// year 33658). Negative values are seconds too; a product that would overflow
// saturates at INT64_MIN instead.
std::int64_t EpochToMillis(std::int64_t value);

// Decimal digits only: no sign, no spaces, not empty, and the value must fit in
// int64. Leading zeros are accepted.
std::optional<std::int64_t> ParseEpochString(std::string_view digits);

}  // namespace routerd::adapters
