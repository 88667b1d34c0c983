// The load of one skill queue as an operator reads it: waiting sessions, the
// longest time in the queue, and its members' readiness and room. The
// /api/v1/queues answer and the wallboard both show it, from this one place.
//
// Thread safety: reads a TenantRouter, so it runs on the tenant's shard thread.
#pragma once

#include <cstdint>

#include "engine/routing/tenant_router.h"

namespace routerd::routing {

struct QueueLoad {
  std::uint32_t waiting = 0;
  // The longest time a waiting session has been in this queue: since it last
  // entered it (a requeue or transfer starts again), as max_wait counts.
  std::int64_t oldest_wait_ms = 0;
  std::uint32_t agents_signed_in = 0;  // members not signed out
  std::uint32_t agents_ready = 0;
  // Signed-in members whose sessions and after-contact work fill their
  // effective cap (per-channel-kind access: the cap of every kind).
  std::uint32_t agents_at_cap = 0;
  std::uint32_t agents_in_wrap_up = 0;  // signed-in members doing after-contact work
  // Room of the ready members that take multimedia sessions (voice agents are
  // never routed sessions), summed over the kinds in per-channel-kind access.
  std::uint32_t free_capacity = 0;
};

QueueLoad LoadOfQueue(const TenantRouter& tenant, std::uint32_t queue, std::int64_t now_ns);

}  // namespace routerd::routing
