// StaticAssets: answers GET /console/... from the embedded files, with the
// headers a console page needs: its content type, a strong ETag (and 304 when
// the browser already has it), Cache-Control and a strict
// Content-Security-Policy (scripts and styles only from this origin, no inline
// code, no framing).
//
// Thread safety: immutable after construction; any thread.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "engine/console/embedded_assets.h"
#include "engine/http/http_message.h"

namespace routerd::console {

// The Content-Security-Policy of every console response.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self' blob:; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

// CSP, nosniff, no framing, no referrer: for pages and the console's JSON alike.
void SetSecurityHeaders(http::HttpResponse& response);

class StaticAssets {
 public:
  explicit StaticAssets(std::span<const EmbeddedAsset> assets);

  // `name` is the path below "/console/": "" is index.html, and a name without
  // an extension also finds "<name>.html" ("messages" -> messages.html).
  // nullptr when there is no such file.
  const EmbeddedAsset* Find(std::string_view name) const;

  // GET of `name`: 200 with the file, 304 when If-None-Match names its ETag,
  // 404, or 405 for another method.
  http::HttpResponse Serve(const http::HttpRequest& request, std::string_view name) const;

 private:
  std::vector<const EmbeddedAsset*> by_path_;  // sorted by path
};

}  // namespace routerd::console
