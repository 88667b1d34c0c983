// The [tenants.permissions] table: a role given there gets exactly the
// leave-message operations listed (unknown or repeated operations are errors
// naming their line). Errors go to the loader's list.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <string>

#include "engine/config/config.h"
#include "engine/config/toml_reader.h"

namespace routerd::config {

// `path` locates the tenant ("tenants[0]").
void LoadPermissionsTable(const toml::table& table, const std::string& path, LeavePermissions& out,
                          internal::ErrorList& errors);

}  // namespace routerd::config
