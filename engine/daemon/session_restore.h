// How stored sessions come back into the router: at start-up for every tenant
// (single node), and in cluster mode for one tenant when this instance takes
// it over. One home for the rules: a session whose tenant, channel or queue is
// no longer configured is skipped; an assigned session keeps its agent only
// when agents have a grace period, and that agent then begins one (its
// sessions are kept for it and replayed when it connects); new session ids
// start above every stored one and above a floor that grows with the clock.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/gateway/agent_gateway.h"
#include "engine/routing/tenant_router.h"
#include "engine/shard/routing_directory.h"
#include "engine/storage/storage_types.h"

namespace routerd::daemon {

struct TenantRestore {
  std::uint32_t tenant = 0;  // shard-local
  routing::TenantRouter::RestoredSession session;
};

struct RestoreCounts {
  std::uint64_t waiting = 0;
  std::uint64_t assigned = 0;
  std::uint64_t skipped = 0;
};

// Per shard, the sessions to restore (moved out of `sessions`).
std::vector<std::vector<TenantRestore>> PlanRestores(std::vector<storage::RecoveredSession>& sessions,
                                                     const shard::RoutingDirectory& directory,
                                                     gateway::AgentGateway& gateway, bool keep_assignments,
                                                     std::int64_t now_ns, std::int64_t now_ms, RestoreCounts& counts);

// Session ids handed to agents before a crash may not have reached storage;
// new ones must not repeat them. So they start above the largest stored id
// and above this floor (one sequence number per millisecond since 2020, in
// the bits above the slot index), which a previous run's sequence only passes
// when a tenant opened more than a thousand sessions per second over its
// whole uptime.
std::uint64_t SessionIdFloor(std::int64_t now_ms);

// On the shard thread: restores `restores` into `router`, then starts each
// listed tenant's session ids above `above` (tenant, max id) or the floor.
void ApplyRestores(routing::Router& router, std::vector<TenantRestore>& restores,
                   const std::vector<std::pair<std::uint32_t, std::uint64_t>>& above, std::uint64_t floor,
                   std::int64_t now_ns, bool every_tenant);

}  // namespace routerd::daemon
