// What a reloaded configuration file changes in a tenant's agents, as a
// running daemon applies it live: agents it adds, agents it removes, and for
// the others their OU, type, skill queues, skills, name and business account
// (their caps: TenantRouter::ApplyFileCaps).
//
// Agents are matched by employee_id. The tenant's agents keep their
// positions, which are the routers' indices (and those of the tables built
// from them): an added agent goes last, a removed one stays in place marked
// `retired`, and one that comes back takes its old place again.
//
// When the file also changes the tenant's OUs, skill queues (beside their
// live keys) or access mode, no agent change applies: the loader checked the
// file's agents against the file's OUs, queues and mode, and the running ones
// are still the old.
//
// Thread safety: a pure function.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/config/config.h"

namespace routerd::config {

struct AgentChanges {
  // The running tenant with its agents as the file has them, by position.
  std::shared_ptr<TenantConfig> tenant;
  // Positions of agents the file adds (new last, or back in their old place).
  std::vector<std::uint32_t> added;
  // Positions of agents the file no longer has.
  std::vector<std::uint32_t> retired;
  // Positions of agents whose OU, type, skill queues or skills changed: what
  // the router applies (TenantRouter::ApplyAgentConfig).
  std::vector<std::uint32_t> routed;
  // Agents changed in any way: added, removed, routed, renamed.
  std::uint32_t changed = 0;
};

// REQUIRES: `file` is the same tenant, loaded without errors, and
// `structure_changed` says whether its OUs, skill queues or access mode differ
// from the running ones (CompareConfigFiles).
AgentChanges MergeAgentChanges(const TenantConfig& running, const TenantConfig& file, bool structure_changed);

}  // namespace routerd::config
