// What a reloaded configuration file does to a tenant's channels while the
// daemon runs: their routing keys (skill_queue, priority, required_skills)
// apply live (TenantRouter::ApplyChannels); a channel added or removed, and
// its kind, secrets and other keys, wait for a restart (config_diff.h names
// them), since its webhook route and adapter are built at start-up.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/config/config.h"

namespace routerd::config {

// Whether `key` of a [[tenants.channels]] table is one a reload applies live.
bool IsLiveChannelKey(std::string_view key);

// Gives `running`'s channels the routing keys `file` has, matched by id,
// where the file's queue is one of `running`'s (not retired, so its queues
// were merged first: queue_changes.h); how many channels changed.
std::uint32_t CopyChannelRouting(TenantConfig& running, const TenantConfig& file);

}  // namespace routerd::config
