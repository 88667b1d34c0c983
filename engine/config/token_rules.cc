#include "engine/config/token_rules.h"

#include <algorithm>

#include "engine/config/toml_reader.h"

namespace routerd::config {

std::string_view TokenRoleName(TokenConfig::Role role) {
  return role == TokenConfig::Role::kAgent ? "agent" : "tenant_admin";
}

std::optional<TokenConfig::Role> ParseTokenRole(std::string_view name) {
  if (name == "agent") return TokenConfig::Role::kAgent;
  if (name == "tenant_admin") return TokenConfig::Role::kTenantAdmin;
  return std::nullopt;
}

std::optional<TokenFieldError> CheckTokenSubject(const TenantConfig& tenant, TokenConfig::Role role,
                                                 const std::optional<std::string>& employee_id) {
  if (role == TokenConfig::Role::kAgent) {
    if (!employee_id) return TokenFieldError{"employee_id", "an agent token needs employee_id (the agent it acts as)"};
    const bool known = std::any_of(tenant.agents.begin(), tenant.agents.end(),
                                   [&](const AgentConfig& a) { return a.employee_id == *employee_id && !a.retired; });
    if (!known) {
      return TokenFieldError{"employee_id",
                             "employee_id = " + internal::Quote(*employee_id) + " is not an agent of tenant '" + tenant.id + "'"};
    }
  } else if (employee_id) {
    return TokenFieldError{"employee_id", "a tenant_admin token acts for the whole tenant; remove employee_id"};
  }
  return std::nullopt;
}

std::string DefaultTokenName(TokenConfig::Role role, std::string_view employee_id, std::size_t index) {
  return role == TokenConfig::Role::kAgent ? "agent:" + std::string(employee_id)
                                           : "tenant_admin:" + std::to_string(index);
}

std::optional<TokenFieldError> CheckAddressableTokenName(std::string_view name) {
  auto allowed = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == ':' || c == '@' || c == '-';
  };
  if (name.empty() || name.size() > 64 || !std::all_of(name.begin(), name.end(), allowed)) {
    return TokenFieldError{"name", "name must be 1..64 characters of A-Z a-z 0-9 . _ : @ -"};
  }
  return std::nullopt;
}

}  // namespace routerd::config
