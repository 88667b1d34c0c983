// whatsapp adapter: the whole Handle() (signature on the raw body, parse,
// normalize) per request, on signed fixtures. See json_adapter_bench.h.
#include "bench/adapters/json_adapter_bench.h"
#include "whatsapp/whatsapp_adapter.h"
#include "whatsapp/whatsapp_signature.h"

namespace routerd::adapters {
namespace {

void Run(benchmark::State& state, const std::string& fixture) {
  ChannelAdapterPtr adapter = bench::MakeAdapter(*whatsapp::MakeWhatsAppAdapterFactory(), {{"app_secret", "bench-app-secret"}, {"verify_token", "bench-verify"}});
  const std::string body = bench::ReadFixture("whatsapp", fixture);
  bench::RunHandle(state, *adapter, body, {{"X-Hub-Signature-256", whatsapp::WhatsAppSignature("bench-app-secret", body)}});
}

// One customer message per request (Meta's documented example).
void BM_WhatsAppHandleSingle(benchmark::State& state) { Run(state, "official_text.json"); }
BENCHMARK(BM_WhatsAppHandleSingle);

// A mixed batch from several customers, with statuses to ignore; items = contacts.
void BM_WhatsAppHandleBatch(benchmark::State& state) { Run(state, "batch_mixed.json"); }
BENCHMARK(BM_WhatsAppHandleBatch);

}  // namespace
}  // namespace routerd::adapters

BENCHMARK_MAIN();
