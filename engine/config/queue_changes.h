// What a reloaded configuration file (or a provisioning change) does to a
// tenant's skill queues while the daemon runs: queues it adds, queues it
// removes, and the keys of the others.
//
// Queues are matched by id and keep their positions, which are the routers'
// indices (TenantRouter::ApplyQueues), by the rule of config/merge_by_id.h.
// A queue's media never changes while the daemon runs: its lanes are laid out
// by it (QueuesWithOtherMedia names those a restart must apply).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/config/config.h"

namespace routerd::config {

struct QueueChanges {
  // The running tenant with its queues as the file has them, by position;
  // its OUs and agents are the running ones (MergeOuChanges goes on from here).
  std::shared_ptr<TenantConfig> tenant;
  std::vector<std::uint32_t> added;    // positions: new last, or back in place
  std::vector<std::uint32_t> retired;  // positions of queues the file no longer has
  std::vector<std::uint32_t> changed;  // positions whose keys changed
  std::uint32_t count() const { return static_cast<std::uint32_t>(added.size() + retired.size() + changed.size()); }
};

// REQUIRES: `file` is the same tenant, loaded without errors, and
// QueuesWithOtherMedia(running, file) is empty unless `structure_changed`.
// With `structure_changed` (CompareConfigFiles, or a queue's media), nothing
// changes: the file's agents were checked against the file's queues, and
// wait for a restart with them.
QueueChanges MergeQueueChanges(const TenantConfig& running, const TenantConfig& file, bool structure_changed);

// The ids of the queues `running` has (retired ones too: one that comes back
// takes its old place) whose media `file` changes.
std::vector<std::string> QueuesWithOtherMedia(const TenantConfig& running, const TenantConfig& file);

}  // namespace routerd::config
