// The [[tenants.channels]] tables: each channel's id, kind, skill queue,
// priority and required skills, and its adapter built and validated by the
// kind's factory from the table's other keys. Errors go to the loader's list.
//
// Thread safety: none; used by one loading thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/config.h"
#include "engine/config/config_loader.h"
#include "engine/config/toml_reader.h"

namespace routerd::config {

// The tenant's skill queue ids in order, and each one's media: what agents'
// and channels' references are checked against.
struct QueueCatalog {
  std::vector<std::string> ids;
  std::map<std::string_view, QueueMedia> media;  // views into the tenant
};
QueueCatalog CatalogOfQueues(const TenantConfig& tenant);

// One channel's table (located at `path`), checked against `tenant`'s skill
// queues, its adapter built by its kind's factory (secrets read from their
// *_env or *_file keys as it says): nullopt, with the errors added, unless it
// is whole.
std::optional<ChannelConfig> ReadChannelTable(const toml::table& table, const std::string& path,
                                              const ConfigSchema& schema, const TenantConfig& tenant,
                                              internal::ErrorList& errors);

// `path` locates the tenant ("tenants[0]"); its skill queues are loaded already.
void LoadChannelTables(const std::vector<const toml::table*>& tables, const std::string& path,
                       const ConfigSchema& schema, TenantConfig& tenant, internal::ErrorList& errors);

}  // namespace routerd::config
