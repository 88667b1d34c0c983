// facebook adapter: the whole Handle() (signature on the raw body, parse,
// normalize) per request, on signed fixtures. See json_adapter_bench.h.
#include "bench/adapters/json_adapter_bench.h"
#include "facebook/facebook_adapter.h"
#include "facebook/facebook_signature.h"

namespace routerd::adapters {
namespace {

void Run(benchmark::State& state, const std::string& fixture) {
  ChannelAdapterPtr adapter = bench::MakeAdapter(*facebook::MakeFacebookAdapterFactory(), {{"app_secret", "bench-app-secret"}, {"verify_token", "bench-verify"}});
  const std::string body = bench::ReadFixture("facebook", fixture);
  bench::RunHandle(state, *adapter, body, {{"X-Hub-Signature-256", facebook::MessengerSignature256("bench-app-secret", body)}});
}

// One customer message per request.
void BM_FacebookHandleSingle(benchmark::State& state) { Run(state, "text_message.json"); }
BENCHMARK(BM_FacebookHandleSingle);

// A mixed batch from several customers, with events to ignore; items = contacts.
void BM_FacebookHandleBatch(benchmark::State& state) { Run(state, "batch_mixed.json"); }
BENCHMARK(BM_FacebookHandleBatch);

}  // namespace
}  // namespace routerd::adapters

BENCHMARK_MAIN();
