#include "engine/console/static_assets.h"

#include <algorithm>
#include <string>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

namespace routerd::console {
namespace {

using Field = boost::beast::http::field;

// Whether an If-None-Match value ("a", "b" or *) names `etag`. Weak
// validators (W/"...") match too: If-None-Match uses the weak comparison.
bool MatchesEtag(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const std::size_t comma = std::min(header.find(','), header.size());
    std::string_view item = header.substr(0, comma);
    header.remove_prefix(std::min(comma + 1, header.size()));
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == "*" || item == etag) return true;
  }
  return false;
}

}  // namespace

void SetSecurityHeaders(http::HttpResponse& response) {
  response.set("Content-Security-Policy", kContentSecurityPolicy);
  response.set("X-Content-Type-Options", "nosniff");
  response.set("X-Frame-Options", "DENY");
  response.set("Referrer-Policy", "no-referrer");
  response.set("Cross-Origin-Opener-Policy", "same-origin");
}

StaticAssets::StaticAssets(std::span<const EmbeddedAsset> assets) {
  for (const EmbeddedAsset& a : assets) by_path_.push_back(&a);
  std::sort(by_path_.begin(), by_path_.end(),
            [](const EmbeddedAsset* a, const EmbeddedAsset* b) { return std::string_view(a->path) < b->path; });
}

const EmbeddedAsset* StaticAssets::Find(std::string_view name) const {
  auto lookup = [this](std::string_view path) -> const EmbeddedAsset* {
    auto it = std::lower_bound(by_path_.begin(), by_path_.end(), path,
                               [](const EmbeddedAsset* a, std::string_view p) { return std::string_view(a->path) < p; });
    return it != by_path_.end() && (*it)->path == path ? *it : nullptr;
  };
  if (name.empty()) return lookup("index.html");
  if (const EmbeddedAsset* a = lookup(name)) return a;
  const std::size_t slash = name.rfind('/');
  const std::string_view last = slash == std::string_view::npos ? name : name.substr(slash + 1);
  if (!last.empty() && last.find('.') == std::string_view::npos) return lookup(std::string(name) + ".html");
  return nullptr;
}

http::HttpResponse StaticAssets::Serve(const http::HttpRequest& request, std::string_view name) const {
  const EmbeddedAsset* asset = Find(name);
  if (asset == nullptr) {
    http::HttpResponse r = http::JsonError(http::HttpStatus::not_found, "not_found", "no such console page");
    SetSecurityHeaders(r);
    return r;
  }
  if (request.method() != boost::beast::http::verb::get) {
    http::HttpResponse r =
        http::JsonError(http::HttpStatus::method_not_allowed, "method_not_allowed", "allowed: GET");
    r.set(Field::allow, "GET");
    SetSecurityHeaders(r);
    return r;
  }
  // Revalidate every time: the files change with the daemon's version, and a
  // 304 costs one small round trip.
  const auto if_none_match = request.find(Field::if_none_match);
  http::HttpResponse r =
      if_none_match != request.end() && MatchesEtag(if_none_match->value(), asset->etag)
          ? http::TextResponse(http::HttpStatus::not_modified, "", asset->content_type)
          : http::TextResponse(http::HttpStatus::ok, std::string(asset->body()), asset->content_type);
  if (r.result() == http::HttpStatus::not_modified) r.erase(Field::content_type);
  r.set(Field::etag, asset->etag);
  r.set(Field::cache_control, "no-cache");
  SetSecurityHeaders(r);
  return r;
}

}  // namespace routerd::console
