// What a reloaded configuration file does to a tenant's channels while the
// daemon runs: channels it adds (their webhooks answer at once), channels it
// removes (404 from then on; sessions already open end as usual), and the
// routing keys of the others (skill_queue, priority, required_skills:
// TenantRouter::ApplyChannels). Another kind, secret or option of a channel
// the daemon runs waits for a restart (config_diff.h names it): its adapter
// was built with them.
//
// Channels are matched by id and keep their positions, which are the
// routers' indices, by the rule of config/merge_by_id.h.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/config.h"

namespace routerd::config {

// Whether `key` of a [[tenants.channels]] table is one a reload applies live
// to a running channel.
bool IsLiveChannelKey(std::string_view key);

struct ChannelChanges {
  std::vector<std::uint32_t> added;    // positions: new last, or back in place
  std::vector<std::uint32_t> retired;  // positions of channels the file no longer has
  std::vector<std::uint32_t> changed;  // positions given other routing keys
  // Channels the file adds that wait for a restart: their kind is new to the
  // tenant in per-channel-kind access (each kind has its caps), or their
  // queue is not running.
  std::vector<std::string> waiting;
  std::uint32_t count() const { return static_cast<std::uint32_t>(added.size() + retired.size() + changed.size()); }
};

// Makes `running`'s channels the file's, matched by id (REQUIRES: the file
// was loaded without errors; `running`'s queues are merged first). A running
// channel keeps its adapter. Nothing changes with `structure_changed`.
ChannelChanges MergeChannelChanges(TenantConfig& running, const TenantConfig& file, bool structure_changed);

}  // namespace routerd::config
