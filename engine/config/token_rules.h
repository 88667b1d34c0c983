// The rules an API token follows wherever it is defined: the configuration
// file ([[tenants.tokens]]) and the token API check a token's subject with
// the same function, so the two cannot drift.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/config/config.h"

namespace routerd::config {

// "agent", "tenant_admin": how a role is written in the file, the API and the
// store.
std::string_view TokenRoleName(TokenConfig::Role role);
std::optional<TokenConfig::Role> ParseTokenRole(std::string_view name);

struct TokenFieldError {
  std::string field;  // "employee_id", "name"
  std::string message;
};

// An agent token acts as one agent of the tenant (employee_id required and
// known); a tenant_admin token acts for the whole tenant (no employee_id).
std::optional<TokenFieldError> CheckTokenSubject(const TenantConfig& tenant, TokenConfig::Role role,
                                                 const std::optional<std::string>& employee_id);

// The name a token gets when none is given: "agent:<employee_id>", or
// "tenant_admin:<index>" with the token's index in the tenant's list.
std::string DefaultTokenName(TokenConfig::Role role, std::string_view employee_id, std::size_t index);

// A name the API can address in a path (/api/v1/tokens/<name>): 1..64 of
// A-Z a-z 0-9 and . _ : @ -.
std::optional<TokenFieldError> CheckAddressableTokenName(std::string_view name);

}  // namespace routerd::config
