// What a reloaded configuration file (or a provisioning change) does to a
// tenant's OUs while the daemon runs: OUs it adds, OUs it removes, and for
// the others their parent and caps.
//
// OUs are matched by id. The tenant's OUs keep their positions, which are the
// routers' indices (TenantRouter::ApplyOus): an added OU goes last, a removed
// one stays in place marked `retired`, and one that comes back takes its old
// place again. A cap set at run time keeps winning over the file's, as at
// start-up.
//
// Thread safety: a pure function.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/config/config.h"

namespace routerd::config {

struct OuChanges {
  // The running tenant with its OUs as the file has them, by position; its
  // agents are the running ones (MergeAgentChanges goes on from here).
  std::shared_ptr<TenantConfig> tenant;
  std::vector<std::uint32_t> added;    // positions: new last, or back in place
  std::vector<std::uint32_t> retired;  // positions of OUs the file no longer has
  std::vector<std::uint32_t> changed;  // positions whose parent or caps changed
  std::uint32_t count() const { return static_cast<std::uint32_t>(added.size() + retired.size() + changed.size()); }
};

// REQUIRES: `file` is the same tenant, loaded without errors. With
// `structure_changed` (its skill queues or access mode differ from the running
// ones: CompareConfigFiles), nothing changes: the file's agents were checked
// against the file's queues, and wait for a restart with its OUs.
OuChanges MergeOuChanges(const TenantConfig& running, const TenantConfig& file, bool structure_changed);

}  // namespace routerd::config
