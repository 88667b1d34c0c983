// The [[tenants.agents]] tables: each agent's employee id, OU, type, skill
// queues (of a media its type serves), cap, business account and skills.
// Errors (file:line: key: why) go to the loader's list.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/config/toml_reader.h"

namespace routerd::config {

// `path` locates the tenant ("tenants[0]"); its OUs and skill queues are
// loaded already (agents refer to both).
void LoadAgentTables(const std::vector<const toml::table*>& tables, const std::string& path, TenantConfig& tenant,
                     internal::ErrorList& errors);

}  // namespace routerd::config
