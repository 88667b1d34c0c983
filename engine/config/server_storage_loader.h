// The [server] and [storage] tables of the configuration: process-wide
// settings, read into ServerOptions and StorageOptions with their ranges.
// Errors (file:line: key: why) go to the loader's list.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include "engine/config/config.h"
#include "engine/config/toml_reader.h"

namespace routerd::config {

void LoadServerTable(const toml::table& table, ServerOptions& server, internal::ErrorList& errors);
void LoadStorageTable(const toml::table& table, StorageOptions& storage, internal::ErrorList& errors);

}  // namespace routerd::config
