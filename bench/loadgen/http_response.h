// ParseHttpResponse: finds one complete HTTP/1.1 response at the start of the
// bytes read so far on a keep-alive connection, without copying. Bodies are
// delimited by Content-Length or chunked encoding; 1xx, 204 and 304 have none.
// A response the load generator cannot delimit (neither, with keep-alive) is
// an error, since the connection could not be reused safely.
//
// Thread safety: a pure function.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace routerd::loadgen {

struct HttpResponseHead {
  enum class Result { kNeedMore, kComplete, kError };
  Result result = Result::kNeedMore;
  int status = 0;
  bool keep_alive = true;  // false: "Connection: close" (or HTTP/1.0 without keep-alive)
  std::size_t size = 0;    // kComplete: bytes the whole response takes
  std::string error;       // kError: why
};

HttpResponseHead ParseHttpResponse(std::string_view bytes);

}  // namespace routerd::loadgen
