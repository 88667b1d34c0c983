#include "engine/config/token_loader.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "engine/config/token_rules.h"
#include "routerd/crypto.h"

namespace routerd::config {

using internal::Presence;
using internal::Quote;
using internal::TableReader;

namespace {

// Where a table gives its token: token_sha256 (hex), token_env (an
// environment variable holding the token) or token_file (a file holding it;
// a final newline is not part of it).
struct TokenKeys {
  std::optional<std::string> hex, env, file;
};
TokenKeys ReadTokenKeys(TableReader& r) {
  return {r.String("token_sha256", Presence::kOptional), r.String("token_env", Presence::kOptional),
          r.String("token_file", Presence::kOptional)};
}

// The digest of the token: exactly one of the keys given. Errors go to `r`.
std::optional<std::string> ReadTokenDigest(TableReader& r, const TokenKeys& keys) {
  const auto& [hex, env, file] = keys;
  const int given = hex.has_value() + env.has_value() + file.has_value();
  if (given != 1) {
    r.TableError("give exactly one of token_sha256 (hex SHA-256 of the token), token_env or token_file");
    return std::nullopt;
  }
  if (hex) {
    auto raw = HexDecode(*hex);
    if (!raw || raw->size() != 32) {
      r.Error("token_sha256", "token_sha256 must be 64 hex digits (the SHA-256 of the token)");
      return std::nullopt;
    }
    return *raw;
  }
  if (env) {
    const char* v = std::getenv(env->c_str());
    if (v == nullptr || *v == '\0') {
      r.Error("token_env", "environment variable " + Quote(*env) + " is not set or empty");
      return std::nullopt;
    }
    return Sha256(v);
  }
  std::ifstream in(*file, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string content = ss.str();
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.pop_back();
  if (!in || content.empty()) {
    r.Error("token_file", "cannot read a token from " + Quote(*file));
    return std::nullopt;
  }
  return Sha256(content);
}

// Records where `digest` is configured; false (and an error) when it already
// is. A token is unique across all tenants and operators: the authenticators
// look digests up, so a token configured twice would silently act as one of
// its places.
bool Claim(TokenPlaces& places, const std::string& digest, TableReader& r, internal::ErrorList& errors) {
  auto [it, inserted] = places.emplace(digest, TokenPlace{r.line(), r.path()});
  if (inserted) return true;
  r.TableError("the same token is already configured at " + errors.file() + ":" + std::to_string(it->second.line) +
               " (" + it->second.where + "); a token must be unique across all tenants and operators");
  return false;
}

}  // namespace

void LoadTokenTables(const std::vector<const toml::table*>& tables, const std::string& path, TenantConfig& tenant,
                     TokenPlaces& places, internal::ErrorList& errors) {
  for (std::size_t i = 0; i < tables.size(); ++i) {
    if (tables[i] == nullptr) continue;
    TableReader r(*tables[i], path + ".tokens[" + std::to_string(i) + "]", errors);
    TokenConfig token;
    token.line = r.line();
    auto role = r.Choice("role", {"tenant_admin", "agent"}, Presence::kRequired);
    auto employee = r.String("employee_id", Presence::kOptional);
    auto name = r.String("name", Presence::kOptional);
    const TokenKeys keys = ReadTokenKeys(r);
    r.ReportUnknownKeys();
    if (!role) continue;
    token.role = *ParseTokenRole(*role);  // Choice allowed only the two names
    if (auto bad = CheckTokenSubject(tenant, token.role, employee)) {
      r.Error(bad->field, bad->message);
      continue;
    }
    if (employee) token.employee_id = *employee;
    token.name = name ? *name : DefaultTokenName(token.role, token.employee_id, i);
    std::optional<std::string> digest = ReadTokenDigest(r, keys);
    if (!digest) continue;
    token.sha256 = std::move(*digest);
    if (!Claim(places, token.sha256, r, errors)) continue;
    tenant.tokens.push_back(std::move(token));
  }
}

void LoadOperatorTokenTables(const std::vector<const toml::table*>& tables, TokenPlaces& places,
                             std::vector<OperatorTokenConfig>& out, internal::ErrorList& errors) {
  for (std::size_t i = 0; i < tables.size(); ++i) {
    if (tables[i] == nullptr) continue;
    TableReader r(*tables[i], "operator_tokens[" + std::to_string(i) + "]", errors);
    OperatorTokenConfig token;
    token.line = r.line();
    auto name = r.String("name", Presence::kRequired);
    const TokenKeys keys = ReadTokenKeys(r);
    r.ReportUnknownKeys();
    if (!name) continue;
    if (name->empty()) {
      r.Error("name", "name must not be empty: it names the operator in the audit log");
      continue;
    }
    std::optional<std::string> digest = ReadTokenDigest(r, keys);
    if (!digest || !Claim(places, *digest, r, errors)) continue;
    token.name = std::move(*name);
    token.sha256 = std::move(*digest);
    out.push_back(std::move(token));
  }
}

}  // namespace routerd::config
