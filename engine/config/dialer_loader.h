// The [tenants.dialer] table: when an agent counts as idle, and how routerd
// asks the operator's telephony for call-backs of leave messages (URL, the
// signing secret, timeout, retries, the callback window). Errors (file:line:
// key: why) go to the loader's list; a secret's value is never in them.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <string>

#include "engine/config/config.h"
#include "engine/config/toml_reader.h"

namespace routerd::config {

// `path` locates the tenant ("tenants[0] 'acme'" style path without label).
void LoadDialerTable(const toml::table& table, const std::string& path, DialerConfig& dialer,
                     internal::ErrorList& errors);

}  // namespace routerd::config
