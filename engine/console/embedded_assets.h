// The console's static files (web/console/), compiled into the binary at build
// time by embed_assets.cmake: nothing is read from disk or fetched at run time.
//
// Thread safety: immutable data; any thread.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace routerd::console {

struct EmbeddedAsset {
  const char* path;          // relative to web/console/, e.g. "js/wallboard.js"
  const char* content_type;  // from the extension
  const char* etag;          // strong, quoted: "\"<20 hex digits of SHA-256>\""
  const unsigned char* data;
  std::size_t size;

  std::string_view body() const { return {reinterpret_cast<const char*>(data), size}; }
};

// Sorted by path.
std::span<const EmbeddedAsset> EmbeddedAssets();

}  // namespace routerd::console
