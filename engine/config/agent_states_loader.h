// The [tenants.agent_states] table: the reasons an agent may give for not
// being ready (break, lunch, ...). Errors go to the loader's list.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <string>

#include "engine/config/config.h"
#include "engine/config/toml_reader.h"

namespace routerd::config {

// `path` locates the tenant ("tenants[0]").
void LoadAgentStatesTable(const toml::table& table, const std::string& path, TenantConfig& tenant,
                          internal::ErrorList& errors);

}  // namespace routerd::config
