// ShardInput: one item handed to a router shard through its queue.
#pragma once

#include <cstdint>

#include "engine/routing/routing_events.h"
#include "routerd/contact.h"

namespace routerd::shard {

struct ShardInput {
  enum class Kind : std::uint8_t { kContact, kCommand };
  Kind kind = Kind::kContact;
  std::uint32_t tenant = 0;   // shard-local tenant index (kContact)
  std::uint32_t channel = 0;  // channel index within the tenant (kContact)
  std::uint64_t key_hash = 0; // SessionKeyHash(channel, customer), by the producer
  ContactPtr contact;
  routing::AgentCommand command;  // kCommand (carries its own tenant index)
};

}  // namespace routerd::shard
