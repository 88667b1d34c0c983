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
  // kContact, cluster mode: the epoch of the tenant's lease under which the
  // contact was accepted here. The shard drops a contact whose epoch is not
  // the tenant's current one (0 everywhere on a single node): the instance
  // lost the tenant meanwhile, and whoever took it over recovers the contact
  // from storage.
  std::uint64_t lease_epoch = 0;
  ContactPtr contact;
  routing::AgentCommand command;  // kCommand (carries its own tenant index)
};

}  // namespace routerd::shard
