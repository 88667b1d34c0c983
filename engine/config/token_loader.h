// The [[tenants.tokens]] tables: each token's role, subject, name and digest
// (from token_sha256, token_env or token_file), checked with the rules the
// token API shares (token_rules.h); and the [[operator_tokens]] tables, whose
// digests are read the same way. Errors go to the loader's list.
//
// Thread safety: pure functions of their arguments (token_env and token_file
// read the environment and the file system).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/config/toml_reader.h"

namespace routerd::config {

// Where each digest was first configured: a token must be unique across all
// tenants and operators, since the authenticators look digests up.
struct TokenPlace {
  int line = 0;
  std::string where;
};
using TokenPlaces = std::map<std::string, TokenPlace, std::less<>>;

// `path` locates the tenant ("tenants[0]").
void LoadTokenTables(const std::vector<const toml::table*>& tables, const std::string& path, TenantConfig& tenant,
                     TokenPlaces& places, internal::ErrorList& errors);

// The server-wide [[operator_tokens]]: a name and a digest each.
void LoadOperatorTokenTables(const std::vector<const toml::table*>& tables, TokenPlaces& places,
                             std::vector<OperatorTokenConfig>& out, internal::ErrorList& errors);

}  // namespace routerd::config
