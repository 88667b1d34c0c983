// What an I/O thread spends per webhook contact besides HTTP and the
// adapter's parsing: the dedup window's reservation of (channel, message id)
// and the HMAC of a body with the channel's secret.
#include <benchmark/benchmark.h>

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ingest/dedup_window.h"
#include "routerd/crypto.h"

namespace {

// WhatsApp-like message ids (about 60 bytes), distinct for distinct n,
// written into one buffer so that the timed loop allocates nothing of its own.
class MessageIds {
 public:
  std::string_view operator()(std::uint64_t n) {
    char* end = std::to_chars(buf_ + kPrefix.size(), buf_ + sizeof(buf_), 1'000'000'000ull + n).ptr;
    return std::string_view(buf_, static_cast<std::size_t>(end - buf_));
  }

 private:
  static constexpr std::string_view kPrefix = "wamid.HBgLMTU1NTAxMjM0NTYVAgASGBQzRUIwQzQ1N0Q2OEE5";
  char buf_[96] = "wamid.HBgLMTU1NTAxMjM0NTYVAgASGBQzRUIwQzQ1N0Q2OEE5";
};

// New ids. range(0) = the window's max_entries: at 100 M it never forgets by
// count, which is a fresh daemon filling up (its memory grows); at 100 k it
// is full from the start and each reservation forgets the oldest id.
void BM_DedupReserveNew(benchmark::State& state) {
  const auto max_entries = static_cast<std::size_t>(state.range(0));
  routerd::ingest::DedupWindow window(86'400'000, max_entries);
  MessageIds id;
  std::uint64_t n = 0;
  if (max_entries < 1'000'000) {
    for (; n < max_entries; ++n) window.TryReserve("wa", id(n), 1000);
  }
  for (auto _ : state) benchmark::DoNotOptimize(window.TryReserve("wa", id(n++), 1000));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DedupReserveNew)->Arg(100'000'000)->Arg(100'000);

// Retries: ids already held (100 000 of them), found and refused.
void BM_DedupReserveDuplicate(benchmark::State& state) {
  constexpr std::uint64_t kHeld = 100'000;
  routerd::ingest::DedupWindow window(86'400'000, 1'000'000);
  MessageIds id;
  std::vector<std::string> ids;
  for (std::uint64_t n = 0; n < kHeld; ++n) {
    ids.emplace_back(id(n));
    window.TryReserve("wa", ids.back(), 1000);
  }
  std::uint64_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(window.TryReserve("wa", ids[(i * 7919) % kHeld], 1001));
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DedupReserveDuplicate);

// HMAC-SHA256 of a 504-byte body (a WhatsApp delivery's size in compare.sh).
// range(0) = 1: every call with the same key (one channel's deliveries in a
// row); 0: two keys in turn, so each call derives its key again.
void BM_HmacSha256Body(benchmark::State& state) {
  const bool same_key = state.range(0) == 1;
  const std::string body(504, 'x');
  const std::string keys[2] = {"bench-app-secret", "other-app-secret"};
  std::uint64_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(routerd::HmacSha256(keys[same_key ? 0 : (i++ & 1)], body));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HmacSha256Body)->ArgName("same_key")->Arg(1)->Arg(0);

}  // namespace

BENCHMARK_MAIN();
