#include "engine/gateway/owner_check.h"

#include <boost/beast/http/field.hpp>

namespace routerd::gateway {

std::optional<std::string_view> UsableOwnerUrl(const TenantOwner& owner) {
  if (!owner.url) return std::nullopt;
  std::string_view url = *owner.url;
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  if (url.empty()) return std::nullopt;
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return std::nullopt;
  }
  return url;
}

http::HttpResponse NotOwnerResponse(std::string_view tenant_id, const TenantOwner& owner, std::string_view target) {
  const std::optional<std::string_view> url = UsableOwnerUrl(owner);
  std::string body = "{";
  if (url) {
    http::AppendJsonStringField(body, "error", "not_owner");
    body += ',';
    http::AppendJsonStringField(body, "detail",
                                "tenant " + std::string(tenant_id) +
                                    " is routed by another instance: repeat the request there");
    body += ',';
    http::AppendJsonStringField(body, "owner", *url);
  } else {
    http::AppendJsonStringField(body, "error", "no_owner");
    body += ',';
    http::AppendJsonStringField(
        body, "detail", "tenant " + std::string(tenant_id) + " is being taken over by another instance: retry shortly");
  }
  body += '}';
  http::HttpResponse r = http::TextResponse(url ? http::HttpStatus::temporary_redirect
                                                : http::HttpStatus::service_unavailable,
                                            std::move(body), "application/json");
  if (url) {
    std::string location(*url);
    location += target;
    r.set(boost::beast::http::field::location, location);
  } else {
    r.set(boost::beast::http::field::retry_after, "1");
  }
  return r;
}

std::string OwnerMovedReason(const TenantOwner& owner) {
  const std::optional<std::string_view> url = UsableOwnerUrl(owner);
  if (!url || url->size() > kMaxCloseReason) return std::string(kOwnerUnknownReason);
  return std::string(*url);
}

}  // namespace routerd::gateway
