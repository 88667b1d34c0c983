// The [[tenants.ous]] tables: the tenant's tree of organizational units and
// each unit's caps. Errors (file:line: key: why) go to the loader's list.
//
// The rules for one OU (ReadOuTable) and for the tree they form together
// (CheckOuTree: every parent an OU of the tenant, no cycle) serve the
// configuration file and the provisioning API alike.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/config/toml_reader.h"

namespace routerd::config {

// `path` locates the tenant ("tenants[0]"); appends its OUs to tenant.ous.
void LoadOuTables(const std::vector<const toml::table*>& tables, const std::string& path, TenantConfig& tenant,
                  internal::ErrorList& errors);

// One OU's table, its errors added to `errors` (located at `path`): nullopt
// without a valid id, else the OU with the keys that could be read, so that
// the tree and the agents are still checked against it. Its parent is
// checked by CheckOuTree.
std::optional<OuConfig> ReadOuTable(const toml::table& table, const std::string& path, internal::ErrorList& errors);

// Where an error about an OU of the tree is reported: its table and the line
// of its parent key (0 for an OU that is not from a file).
struct OuLocation {
  std::string where;
  int parent_line = 0;
};

// Each OU's parent (retired OUs left out, as if they were not there) is an OU
// of the tenant, and following parents always reaches a top-level OU.
// `locations` runs parallel to tenant.ous.
void CheckOuTree(const TenantConfig& tenant, const std::vector<OuLocation>& locations, internal::ErrorList& errors);

}  // namespace routerd::config
