// x adapter: the whole Handle() (signature on the raw body, parse,
// normalize) per request, on signed fixtures. See json_adapter_bench.h.
#include "bench/adapters/json_adapter_bench.h"
#include "x/x_adapter.h"
#include "x/x_signature.h"

namespace routerd::adapters {
namespace {

void Run(benchmark::State& state, const std::string& fixture) {
  ChannelAdapterPtr adapter = bench::MakeAdapter(*x::MakeXAdapterFactory(), {{"consumer_secret", "bench-consumer-secret"}});
  const std::string body = bench::ReadFixture("x", fixture);
  bench::RunHandle(state, *adapter, body, {{"x-twitter-webhooks-signature", x::XSignature("bench-consumer-secret", body)}});
}

// One direct message per request.
void BM_XHandleSingle(benchmark::State& state) { Run(state, "numeric_for_user_id.json"); }
BENCHMARK(BM_XHandleSingle);

// Several direct messages, with our own account's to ignore; items = contacts.
void BM_XHandleBatch(benchmark::State& state) { Run(state, "dm_batch.json"); }
BENCHMARK(BM_XHandleBatch);

}  // namespace
}  // namespace routerd::adapters

BENCHMARK_MAIN();
