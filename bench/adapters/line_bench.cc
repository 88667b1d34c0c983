// line adapter: the whole Handle() (signature on the raw body, parse,
// normalize) per request, on signed fixtures. See json_adapter_bench.h.
#include "bench/adapters/json_adapter_bench.h"
#include "line/line_adapter.h"
#include "line/line_signature.h"

namespace routerd::adapters {
namespace {

void Run(benchmark::State& state, const std::string& fixture) {
  ChannelAdapterPtr adapter = bench::MakeAdapter(*line::MakeLineAdapterFactory(), {{"channel_secret", "bench-channel-secret"}});
  const std::string body = bench::ReadFixture("line", fixture);
  bench::RunHandle(state, *adapter, body, {{"x-line-signature", line::LineSignature("bench-channel-secret", body)}});
}

// One customer message per request.
void BM_LineHandleSingle(benchmark::State& state) { Run(state, "sdk_text.json"); }
BENCHMARK(BM_LineHandleSingle);

// A mixed batch from several customers, with events to ignore; items = contacts.
void BM_LineHandleBatch(benchmark::State& state) { Run(state, "batch_mixed.json"); }
BENCHMARK(BM_LineHandleBatch);

}  // namespace
}  // namespace routerd::adapters

BENCHMARK_MAIN();
