// Authenticator: bearer token -> who is calling (tenant, role, agent).
//
// Tokens are kept as SHA-256 digests; a presented token is hashed and looked
// up, so no token is ever held or compared in plain. The lookup of a 32-byte
// digest in a hash table leaks nothing useful about the token by its timing
// (finding a digest prefix would need SHA-256 preimages).
//
// The configuration file's tokens are fixed; tokens created through the API
// (TokenApi) are added and revoked while the daemon runs. A revoked token
// fails its next authentication; connections it opened are closed by the
// caller of Revoke.
//
// Thread safety: any thread. Authenticate takes a shared lock; Add and Revoke
// an exclusive one.
#pragma once

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/config/config.h"
#include "engine/http/http_message.h"

namespace routerd::gateway {

struct Principal {
  const config::TenantConfig* tenant = nullptr;
  config::TokenConfig::Role role = config::TokenConfig::Role::kAgent;
  std::string employee_id;  // agent tokens
  std::string name;         // for audit logs
  // Created through the API (and so revocable through it), not from the file.
  bool from_api = false;
  // Names the token within this process (never 0), so that what it opened
  // can be found when it is revoked or removed from the file.
  std::uint64_t token_serial = 0;

  bool admin() const { return role == config::TokenConfig::Role::kTenantAdmin; }
  // May act for this agent: its own token, or the tenant's admin.
  bool MayActFor(std::string_view employee) const { return admin() || employee_id == employee; }
};

// A token as the token list shows it: never its value or digest.
struct TokenInfo {
  std::string name;
  config::TokenConfig::Role role = config::TokenConfig::Role::kAgent;
  std::string employee_id;
  bool from_api = false;
  int line = 0;                    // file tokens: where the file defines it
  std::int64_t created_at_ms = 0;  // API tokens
  std::string created_by;          // API tokens
};

class Authenticator {
 public:
  explicit Authenticator(const config::Config& config);
  std::optional<Principal> Authenticate(std::string_view token) const;

  // An API token of `tenant` (one of the configuration's), already stored.
  // `sha256` is 32 raw bytes. False when the digest is already known.
  bool Add(const config::TenantConfig& tenant, std::string sha256, TokenInfo info);
  // Removes the API token `name` of the tenant; the principal it was, or
  // nullopt when the tenant has no API token of that name.
  std::optional<Principal> Revoke(std::string_view tenant_id, std::string_view name);
  // The tenant's file tokens become `tokens` (a reloaded file): tokens kept
  // keep their serial, new ones are added; the principals of the removed ones
  // are returned (their connections are the caller's to close).
  struct FileTokenChange {
    std::vector<Principal> removed;
    std::size_t added = 0;
  };
  FileTokenChange ReplaceFileTokens(const config::TenantConfig& tenant, const std::vector<config::TokenConfig>& tokens);
  // The tenant's tokens, file tokens first (in file order), then API tokens
  // by creation time.
  std::vector<TokenInfo> Tokens(std::string_view tenant_id) const;

  // The token of a request: "Authorization: Bearer <t>", or when
  // `allow_query` (WebSocket upgrades, which browsers cannot give headers) a
  // `token` query parameter. Empty when absent.
  static std::string TokenOf(const http::HttpRequest& request, bool allow_query);

 private:
  struct Entry {
    Principal principal;
    TokenInfo info;
    std::uint64_t order = 0;  // the listing order
  };

  mutable std::shared_mutex mu_;
  Entry MakeEntry(const config::TenantConfig& tenant, const config::TokenConfig& token);  // REQUIRES: mu_ held

  std::unordered_map<std::string, Entry> by_digest_;  // guarded by mu_
  std::uint64_t next_order_ = 1;                      // guarded by mu_; also the serials
};

}  // namespace routerd::gateway
