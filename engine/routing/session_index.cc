#include "engine/routing/session_index.h"

#include <functional>

namespace routerd::routing {

std::uint64_t SessionKeyHash(std::uint32_t channel, std::string_view customer_id) {
  std::uint64_t h = std::hash<std::string_view>()(customer_id);
  h ^= (static_cast<std::uint64_t>(channel) + 1) * 0x9E3779B97F4A7C15ull;  // mix the channel in
  return base::SpreadHashBits(h);
}

}  // namespace routerd::routing
