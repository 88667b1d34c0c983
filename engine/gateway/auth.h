// Authenticator: bearer token -> who is calling (tenant, role, agent).
//
// Tokens are configured per tenant as SHA-256 digests; a presented token is
// hashed and looked up, so no token is ever held or compared in plain. The
// lookup of a 32-byte digest in a hash table leaks nothing useful about the
// token by its timing (finding a digest prefix would need SHA-256 preimages).
//
// Thread safety: immutable after construction; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/config/config.h"
#include "engine/http/http_message.h"

namespace routerd::gateway {

struct Principal {
  const config::TenantConfig* tenant = nullptr;
  config::TokenConfig::Role role = config::TokenConfig::Role::kAgent;
  std::string employee_id;  // agent tokens
  std::string name;         // for audit logs

  bool admin() const { return role == config::TokenConfig::Role::kTenantAdmin; }
  // May act for this agent: its own token, or the tenant's admin.
  bool MayActFor(std::string_view employee) const { return admin() || employee_id == employee; }
};

class Authenticator {
 public:
  explicit Authenticator(const config::Config& config);
  std::optional<Principal> Authenticate(std::string_view token) const;
  // The token of a request: "Authorization: Bearer <t>", or when
  // `allow_query` (WebSocket upgrades, which browsers cannot give headers) a
  // `token` query parameter. Empty when absent.
  static std::string TokenOf(const http::HttpRequest& request, bool allow_query);

 private:
  std::unordered_map<std::string, Principal> by_digest_;
};

}  // namespace routerd::gateway
