// SessionIndex: (channel instance, customer id) -> session slot, a
// FlatHashIndex (engine/base/flat_hash_index.h says why it is flat).
//
// The hash is computed by SessionKeyHash, which producer threads call before
// handing a contact to the shard, so the router thread does not hash strings.
//
// Thread safety: none; owned by one router shard thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/base/flat_hash_index.h"

namespace routerd::routing {

std::uint64_t SessionKeyHash(std::uint32_t channel, std::string_view customer_id);

using SessionIndex = base::FlatHashIndex;

}  // namespace routerd::routing
