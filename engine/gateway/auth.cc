#include "engine/gateway/auth.h"

#include <openssl/sha.h>
#include <strings.h>

#include <boost/beast/http/field.hpp>

#include "routerd/webhook.h"

namespace routerd::gateway {

Authenticator::Authenticator(const config::Config& config) {
  for (const auto& tenant : config.tenants) {
    for (const auto& token : tenant.tokens) {
      by_digest_.emplace(token.sha256, Principal{&tenant, token.role, token.employee_id, token.name});
    }
  }
}

std::optional<Principal> Authenticator::Authenticate(std::string_view token) const {
  if (token.empty()) return std::nullopt;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
  auto it = by_digest_.find(std::string(reinterpret_cast<const char*>(digest), sizeof digest));
  if (it == by_digest_.end()) return std::nullopt;
  return it->second;
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
