// Multipart form parsing, the one parser of the voice upload and the email adapter: the
// boundary from a Content-Type, then the parts. The first input line is the
// Content-Type, the rest the body. Must return parts or a clear error, never
// crash, and every part it returns must lie inside the body.
// Seeds: tests/fuzz/corpus/multipart.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "routerd/form.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = input.find('\n');
  const std::string_view content_type = input.substr(0, nl);
  const std::string_view body = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
  // Parts are views into the body.
  if (auto boundary = routerd::MultipartFormBoundary(content_type); boundary.ok()) {
    if (auto parts = routerd::ParseMultipartForm(body, *boundary); parts.ok()) {
      for (const auto& p : *parts) {
        if (p.body.data() < body.data() || p.body.data() + p.body.size() > body.data() + body.size()) std::abort();
        if (!p.content_type.empty() &&
            (p.content_type.data() < body.data() || p.content_type.data() + p.content_type.size() > body.data() + body.size())) {
          std::abort();
        }
      }
    }
  }
  return 0;
}
