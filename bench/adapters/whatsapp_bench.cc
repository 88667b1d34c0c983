// WhatsApp Cloud API deliveries: the full adapter Handle() per request (content-type check,
// HMAC verification on the raw body, parse, normalize into owned Contacts) on
// signed fixtures from tests/fixtures/whatsapp/. items/s counts contacts.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "whatsapp/whatsapp_adapter.h"
#include "whatsapp/whatsapp_signature.h"
#include "routerd/channel_options.h"

namespace routerd::adapters {
namespace {

// Fixtures are found relative to this source file (bench/adapters/ -> tests/fixtures/).
std::string ReadFixture(const std::string& name) {
  std::string here = __FILE__;
  std::string root = here.substr(0, here.rfind("/bench/adapters/"));
  std::string path = root + "/tests/fixtures/whatsapp/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "cannot open " << path << "\n";
    std::exit(1);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct OwnedRequest {
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<HeaderView> views;
};

OwnedRequest SignedRequest(std::string body) {
  OwnedRequest r;
  r.body = std::move(body);
  r.headers.emplace_back("X-Hub-Signature-256", whatsapp::WhatsAppSignature("bench-app-secret", r.body));
  for (const auto& [name, value] : r.headers) r.views.push_back(HeaderView{name, value});
  return r;
}

ChannelAdapterPtr MakeAdapter() {
  ChannelOptions options("bench.toml", 1, "bench");
  options.Set("app_secret", std::string("bench-app-secret"), 1);
  options.Set("verify_token", std::string("bench-verify"), 1);
  auto adapter = whatsapp::MakeWhatsAppAdapterFactory()->Create(ChannelIdentity{"tenant", "channel", "whatsapp"}, options);
  if (!adapter.ok()) {
    std::cerr << adapter.status().ToString() << "\n";
    std::exit(1);
  }
  return *adapter;
}

void RunHandle(benchmark::State& state, const std::string& fixture) {
  ChannelAdapterPtr adapter = MakeAdapter();
  OwnedRequest owned = SignedRequest(ReadFixture(fixture));
  WebhookRequest request;
  request.method = "POST";
  request.content_type = "application/json; charset=utf-8";
  request.headers = owned.views;
  request.body = owned.body;
  request.now_unix_ms = 1'718'000'000'500;
  std::size_t contacts = 0;
  for (auto _ : state) {
    WebhookOutcome outcome = adapter->Handle(request);
    if (outcome.response.status != 200) {
      state.SkipWithError("the fixture was not accepted");
      break;
    }
    contacts = outcome.contacts.size() + outcome.leave_messages.size();
    benchmark::DoNotOptimize(outcome);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * contacts));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * owned.body.size()));
}

// One customer message per request.
void BM_WhatsAppHandleSingle(benchmark::State& state) { RunHandle(state, "official_text.json"); }
BENCHMARK(BM_WhatsAppHandleSingle);

// A mixed batch from several customers, with events to ignore; items = contacts.
void BM_WhatsAppHandleBatch(benchmark::State& state) { RunHandle(state, "batch_mixed.json"); }
BENCHMARK(BM_WhatsAppHandleBatch);

}  // namespace
}  // namespace routerd::adapters

BENCHMARK_MAIN();
