#include "bench/loadgen/id_format.h"

#include <cinttypes>
#include <cstdio>

namespace routerd::loadgen {

std::string Decimal(std::uint64_t n) { return std::to_string(n); }

std::string Hex64(std::uint64_t n) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, n);
  return buf;
}

std::string BigEndian64(std::uint64_t n) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = static_cast<char>(n & 0xff);
    n >>= 8;
  }
  return out;
}

std::string Ulid(std::int64_t ms, std::uint16_t random16, std::uint64_t number) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::uint64_t hi = (static_cast<std::uint64_t>(ms) << 16) | random16;
  std::uint64_t lo = number;
  std::string out(26, '0');
  for (int i = 25; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kAlphabet[lo & 31];
    lo = (lo >> 5) | (hi << 59);
    hi >>= 5;
  }
  return out;
}

}  // namespace routerd::loadgen
