// WeChat adapter throughput: the full Handle() (signature check, decryption in
// safe mode, XML parse, normalization) per push, on the fixtures.
#include <benchmark/benchmark.h>

#include <string>

#include "bench/adapters/fixture.h"
#include "routerd/channel_options.h"
#include "wechat/wechat_adapter.h"

namespace {

using routerd::ChannelAdapterPtr;

std::string ReadFixture(const std::string& name) { return routerd::adapters::bench::ReadFixture("wechat", name); }

ChannelAdapterPtr MakeAdapter(const std::string& token, const std::string& app_id, const std::string& aes_key) {
  routerd::ChannelOptions options("bench.toml", 1, "bench");
  options.Set("token", token, 2);
  options.Set("app_id", app_id, 3);
  if (!aes_key.empty()) options.Set("encoding_aes_key", aes_key, 4);
  auto adapter =
      routerd::adapters::wechat::MakeWeChatAdapterFactory()->Create({"tenant", "wx", "wechat"}, options);
  return adapter.ok() ? *adapter : nullptr;
}

void Run(benchmark::State& state, const routerd::ChannelAdapter& adapter, const std::string& query,
         const std::string& body, std::int64_t now_unix_ms) {
  routerd::WebhookRequest request;
  request.method = "POST";
  request.query = query;
  request.content_type = "text/xml";
  request.body = body;
  request.now_unix_ms = now_unix_ms;
  if (adapter.Handle(request).contacts.size() != 1) {
    state.SkipWithError("fixture push was not accepted");
    return;
  }
  for (auto _ : state) {
    routerd::WebhookOutcome outcome = adapter.Handle(request);
    benchmark::DoNotOptimize(outcome);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}

// Plain mode, channels.md vector W2.
void BM_WeChatPlainText(benchmark::State& state) {
  static const ChannelAdapterPtr adapter = MakeAdapter("AAAAA", "wx0123456789abcdef", "");
  static const std::string body = ReadFixture("text.xml");
  Run(state, *adapter,
      "signature=899cf89e464efb63f54ddac96b0a0a235f53aa78&timestamp=1714037059&nonce=486452656&openid=o1", body,
      1714037059000);
}
BENCHMARK(BM_WeChatPlainText);

// Safe mode, channels.md vector W4 (msg_signature, AES-256-CBC, app id check).
void BM_WeChatSafeMode(benchmark::State& state) {
  static const ChannelAdapterPtr adapter =
      MakeAdapter("pamtest", "wxb11529c136998cb6", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");
  static const std::string body = ReadFixture("safe_w4.xml");
  Run(state, *adapter,
      "signature=x&timestamp=1458300676&nonce=260774613&openid=o1&encrypt_type=aes"
      "&msg_signature=4f3ad57b6989f09f4eb392acce4f9e93942ed890",
      body, 1458300676000);
}
BENCHMARK(BM_WeChatSafeMode);

}  // namespace

BENCHMARK_MAIN();
