// The [cluster] table: whether this process is one instance of a cluster
// sharing a PostgreSQL database, who it is and where it is reached, and the
// timing of its tenant leases. Read into ClusterOptions with their ranges;
// errors (file:line: cluster: key: why) go to the loader's list.
//
// Every instance reads the same file, so the two values that differ between
// instances (instance_id, advertise_url) may instead name an environment
// variable (instance_id_env, advertise_url_env) set per process.
//
// Thread safety: reads the process environment; used by one loading thread.
#pragma once

#include "engine/config/config.h"
#include "engine/config/toml_reader.h"

namespace routerd::config {

// `storage` is the [storage] table already loaded: cluster mode needs the
// shared database with synchronous commits. With enabled = false (or without
// the table) `cluster` keeps its defaults, though every key given is checked.
void LoadClusterTable(const toml::table& table, const StorageOptions& storage, ClusterOptions& cluster,
                      internal::ErrorList& errors);

}  // namespace routerd::config
