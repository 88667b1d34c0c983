// The [tenants.personal_settings] table: what an agent may set for itself
// (the Personal Center's settings). Today its own concurrency cap: whether
// it may, and within which range. Errors go to the loader's list.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <string>

#include "engine/config/config.h"
#include "engine/config/toml_reader.h"

namespace routerd::config {

// `path` locates the tenant ("tenants[0]").
void LoadPersonalSettingsTable(const toml::table& table, const std::string& path, PersonalSettings& settings,
                               internal::ErrorList& errors);

}  // namespace routerd::config
