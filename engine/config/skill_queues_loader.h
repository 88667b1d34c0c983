// The [[tenants.skill_queues]] tables: each queue's strategy, limits,
// overflow, media, priority, after-contact work, required skills and sticky
// keys. Errors (file:line: key: why) go to the loader's list.
//
// The rules for one queue (ReadSkillQueueTable) and for the queues together
// (CheckSkillQueues: unique ids, overflow targets) serve the configuration
// file and the provisioning API alike.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/config/overflow_check.h"
#include "engine/config/toml_reader.h"

namespace routerd::config {

// `path` locates the tenant ("tenants[0]"); appends its queues to
// tenant.skill_queues. `strategies`: the assignment strategies the daemon has.
void LoadSkillQueueTables(const std::vector<const toml::table*>& tables, const std::string& path,
                          const std::vector<std::string>& strategies, TenantConfig& tenant,
                          internal::ErrorList& errors);

// One queue's table, its errors added to `errors` (located at `path`):
// nullopt without a valid id, else the queue with the keys that could be
// read. `info` (optional) gets where its on_overflow was read, for
// CheckOverflowTargets.
std::optional<SkillQueueConfig> ReadSkillQueueTable(const toml::table& table, const std::string& path,
                                                    const std::vector<std::string>& strategies,
                                                    internal::ErrorList& errors, QueueInfo* info = nullptr);

}  // namespace routerd::config
