// The daemon's HTTP request path, from raw bytes on a fresh connection: request
// lines and headers, Content-Length and chunked bodies, Expect, pipelining and
// every route behind them (health, metrics, webhooks, the API with and without
// tokens, the console). The daemon must answer or close, and never crash.
// Seeds: tests/fuzz/corpus/http_request.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/daemon_fuzz_fixture.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  routerd::fuzz::Exchange({}, {}, std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
