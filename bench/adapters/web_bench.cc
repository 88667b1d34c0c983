// web adapter: the whole Handle() (signature on the raw body, parse,
// normalize) per request, on signed fixtures. See json_adapter_bench.h.
#include "bench/adapters/json_adapter_bench.h"
#include "web/web_adapter.h"
#include "web/web_signature.h"

namespace routerd::adapters {
namespace {

void Run(benchmark::State& state, const std::string& fixture) {
  ChannelAdapterPtr adapter = bench::MakeAdapter(*web::MakeWebAdapterFactory(), {{"secret", "bench-widget-secret"}});
  const std::string body = bench::ReadFixture("web", fixture);
  bench::RunHandle(state, *adapter, body, {{"X-Routerd-Timestamp", "1718000000"}, {"X-Routerd-Signature", web::WebSignature("bench-widget-secret", "1718000000", body)}});
}

// One widget message per request.
void BM_WebHandleSingle(benchmark::State& state) { Run(state, "message.json"); }
BENCHMARK(BM_WebHandleSingle);

}  // namespace
}  // namespace routerd::adapters

BENCHMARK_MAIN();
