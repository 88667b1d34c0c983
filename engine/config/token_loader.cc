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
    auto hex = r.String("token_sha256", Presence::kOptional);
    auto env = r.String("token_env", Presence::kOptional);
    auto file = r.String("token_file", Presence::kOptional);
    r.ReportUnknownKeys();
    if (!role) continue;
    token.role = *ParseTokenRole(*role);  // Choice allowed only the two names
    if (auto bad = CheckTokenSubject(tenant, token.role, employee)) {
      r.Error(bad->field, bad->message);
      continue;
    }
    if (employee) token.employee_id = *employee;
    token.name = name ? *name : DefaultTokenName(token.role, token.employee_id, i);
    const int given = hex.has_value() + env.has_value() + file.has_value();
    if (given != 1) {
      r.TableError("give exactly one of token_sha256 (hex SHA-256 of the token), token_env or token_file");
      continue;
    }
    std::optional<std::string> secret;
    if (hex) {
      auto raw = HexDecode(*hex);
      if (!raw || raw->size() != 32) {
        r.Error("token_sha256", "token_sha256 must be 64 hex digits (the SHA-256 of the token)");
        continue;
      }
      token.sha256 = *raw;
    } else if (env) {
      const char* v = std::getenv(env->c_str());
      if (v == nullptr || *v == '\0') {
        r.Error("token_env", "environment variable " + Quote(*env) + " is not set or empty");
        continue;
      }
      secret = v;
    } else {
      std::ifstream in(*file, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      std::string content = ss.str();
      while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.pop_back();
      if (!in || content.empty()) {
        r.Error("token_file", "cannot read a token from " + Quote(*file));
        continue;
      }
      secret = std::move(content);
    }
    if (secret) token.sha256 = Sha256(*secret);
    // Unique across tenants too: the authenticator looks digests up in one
    // map, so a token shared by two tenants would silently act in one of them.
    auto [it, inserted] = places.emplace(token.sha256, TokenPlace{token.line, r.path()});
    if (!inserted) {
      r.TableError("the same token is already configured at " + errors.file() + ":" +
                   std::to_string(it->second.line) + " (" + it->second.where +
                   "); a token must be unique across all tenants");
      continue;
    }
    tenant.tokens.push_back(std::move(token));
  }
}

}  // namespace routerd::config
