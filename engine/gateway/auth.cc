#include "engine/gateway/auth.h"

#include <strings.h>

#include <algorithm>
#include <mutex>

#include <boost/beast/http/field.hpp>

#include "routerd/crypto.h"
#include "routerd/webhook.h"

namespace routerd::gateway {

Authenticator::Authenticator(const config::Config& config) {
  for (const auto& tenant : config.tenants) {
    for (const auto& token : tenant.tokens) by_digest_.emplace(token.sha256, MakeEntry(tenant, token));
  }
}

Authenticator::Entry Authenticator::MakeEntry(const config::TenantConfig& tenant, const config::TokenConfig& token) {
  const std::uint64_t serial = next_order_++;
  TokenInfo info{token.name, token.role, token.employee_id, false, token.line, 0, {}};
  return Entry{Principal{&tenant, token.role, token.employee_id, token.name, false, serial}, std::move(info), serial};
}

Authenticator::FileTokenChange Authenticator::ReplaceFileTokens(const config::TenantConfig& tenant,
                                                                const std::vector<config::TokenConfig>& tokens) {
  FileTokenChange change;
  std::unordered_map<std::string_view, const config::TokenConfig*> wanted;
  for (const config::TokenConfig& t : tokens) wanted.emplace(t.sha256, &t);
  std::unique_lock lock(mu_);
  for (auto it = by_digest_.begin(); it != by_digest_.end();) {
    Entry& e = it->second;
    if (e.info.from_api || e.principal.tenant != &tenant) {
      ++it;
      continue;
    }
    auto w = wanted.find(it->first);
    if (w == wanted.end() || w->second->role != e.principal.role || w->second->employee_id != e.principal.employee_id) {
      change.removed.push_back(e.principal);
      it = by_digest_.erase(it);
      continue;
    }
    // Kept: its name and line may have changed.
    e.principal.name = e.info.name = w->second->name;
    e.info.line = w->second->line;
    wanted.erase(w);
    ++it;
  }
  for (const config::TokenConfig& t : tokens) {
    if (!wanted.contains(t.sha256)) continue;
    if (by_digest_.emplace(t.sha256, MakeEntry(tenant, t)).second) ++change.added;
  }
  return change;
}

std::optional<Principal> Authenticator::Authenticate(std::string_view token) const {
  if (token.empty()) return std::nullopt;
  const std::string digest = Sha256(token);
  std::shared_lock lock(mu_);
  auto it = by_digest_.find(digest);
  if (it == by_digest_.end()) return std::nullopt;
  return it->second.principal;
}

bool Authenticator::Add(const config::TenantConfig& tenant, std::string sha256, TokenInfo info) {
  info.from_api = true;
  std::unique_lock lock(mu_);
  const std::uint64_t serial = next_order_++;
  Principal who{&tenant, info.role, info.employee_id, info.name, true, serial};
  return by_digest_.emplace(std::move(sha256), Entry{std::move(who), std::move(info), serial}).second;
}

std::optional<Principal> Authenticator::Revoke(std::string_view tenant_id, std::string_view name) {
  std::unique_lock lock(mu_);
  for (auto it = by_digest_.begin(); it != by_digest_.end(); ++it) {
    const Entry& e = it->second;
    if (e.info.from_api && e.info.name == name && e.principal.tenant->id == tenant_id) {
      Principal who = e.principal;
      by_digest_.erase(it);
      return who;
    }
  }
  return std::nullopt;
}

std::vector<TokenInfo> Authenticator::Tokens(std::string_view tenant_id) const {
  std::vector<const Entry*> found;
  std::shared_lock lock(mu_);
  for (const auto& [digest, e] : by_digest_) {
    if (e.principal.tenant->id == tenant_id) found.push_back(&e);
  }
  std::sort(found.begin(), found.end(), [](const Entry* a, const Entry* b) { return a->order < b->order; });
  std::vector<TokenInfo> out;
  out.reserve(found.size());
  for (const Entry* e : found) out.push_back(e->info);
  return out;
}

std::string Authenticator::TokenOf(const http::HttpRequest& request, bool allow_query) {
  std::string_view auth = request[boost::beast::http::field::authorization];
  constexpr std::string_view kBearer = "bearer ";  // the scheme name is case-insensitive (RFC 7235)
  if (auth.size() > kBearer.size() && ::strncasecmp(auth.data(), kBearer.data(), kBearer.size()) == 0) {
    return std::string(auth.substr(kBearer.size()));
  }
  if (allow_query) {
    std::string_view target = request.target();
    const std::size_t q = target.find('?');
    if (q != std::string_view::npos) {
      WebhookRequest view;
      view.query = target.substr(q + 1);
      return view.QueryParam("token");
    }
  }
  return {};
}

}  // namespace routerd::gateway
