#include "engine/routing/session_index.h"

#include <functional>

namespace routerd::routing {

std::uint64_t SessionKeyHash(std::uint32_t channel, std::string_view customer_id) {
  std::uint64_t h = std::hash<std::string_view>()(customer_id);
  // Mix the channel in and spread the bits over the low ones the table uses.
  h ^= (static_cast<std::uint64_t>(channel) + 1) * 0x9E3779B97F4A7C15ull;
  h ^= h >> 31;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 29;
  return h;
}

}  // namespace routerd::routing
