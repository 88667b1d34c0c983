// Hand-off between threads: what a producer (I/O thread) pays to give items to
// a router shard, and how the consumer drains them.
//
//   BM_Handoff/<producers>/<bulk>/<token>: producers push 2^20 ShardInputs
//       (bulk: 64 per call, else one per call; token: a ProducerToken per
//       producer, else the token-less path); the consumer pops 256 at a time.
//   BM_WakePerItem vs BM_WakeCoalesced: an Asio post per item, against the
//       shard's scheme (queue push + a post only when no drain is pending).
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "engine/queue/bounded_mpsc_queue.h"
#include "engine/shard/shard_input.h"

namespace routerd {
namespace {

using Queue = queue::BoundedMpscQueue<shard::ShardInput>;
constexpr std::size_t kItems = 1 << 20;
constexpr std::size_t kBulk = 64;

void Produce(Queue& q, std::size_t items, bool bulk, bool token) {
  Queue::ProducerToken tok(q);
  std::vector<shard::ShardInput> batch(kBulk);
  std::size_t sent = 0;
  while (sent < items) {
    if (bulk) {
      for (auto& in : batch) in.tenant = static_cast<std::uint32_t>(sent);
      while (!q.TryPushBulk(tok, batch)) std::this_thread::yield();
      sent += kBulk;
    } else {
      shard::ShardInput in;
      in.tenant = static_cast<std::uint32_t>(sent);
      while (!(token ? q.TryPush(tok, std::move(in)) : q.TryPush(std::move(in)))) std::this_thread::yield();
      ++sent;
    }
  }
}

void BM_Handoff(benchmark::State& state) {
  const int producers = static_cast<int>(state.range(0));
  const bool bulk = state.range(1) != 0;
  const bool token = state.range(2) != 0;
  std::vector<shard::ShardInput> out(256);
  for (auto _ : state) {
    Queue q(65536);
    const std::size_t per = kItems / producers;
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p) threads.emplace_back([&] { Produce(q, per, bulk, token); });
    std::size_t got = 0;
    while (got < per * producers) {
      std::size_t n = q.PopBulk(out.data(), out.size());
      if (n == 0) std::this_thread::yield();
      got += n;
    }
    for (auto& t : threads) t.join();
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    state.SetItemsProcessed(state.items_processed() + static_cast<std::int64_t>(got));
  }
}
BENCHMARK(BM_Handoff)
    ->ArgNames({"producers", "bulk", "token"})
    ->Args({1, 0, 0})->Args({1, 0, 1})->Args({1, 1, 1})
    ->Args({3, 0, 0})->Args({3, 0, 1})->Args({3, 1, 1})
    ->UseManualTime()->Unit(benchmark::kMillisecond);

// A consumer thread running an io_context, as a shard does.
struct Consumer {
  boost::asio::io_context io{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
  std::thread thread{[this] { io.run(); }};
  ~Consumer() {
    work.reset();
    io.stop();
    thread.join();
  }
};

constexpr std::size_t kWakeItems = 1 << 18;

void BM_WakePerItem(benchmark::State& state) {
  for (auto _ : state) {
    Consumer c;
    std::atomic<std::size_t> done{0};
    for (std::size_t i = 0; i < kWakeItems; ++i) {
      boost::asio::post(c.io, [&done] { done.fetch_add(1, std::memory_order_relaxed); });
    }
    while (done.load() < kWakeItems) std::this_thread::yield();
    state.SetItemsProcessed(state.items_processed() + kWakeItems);
  }
}
BENCHMARK(BM_WakePerItem)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_WakeCoalesced(benchmark::State& state) {
  for (auto _ : state) {
    Consumer c;
    Queue q(65536);
    Queue::ProducerToken tok(q);
    std::atomic<bool> pending{false};
    std::atomic<std::size_t> done{0};
    std::atomic<std::size_t> posts{0};
    std::vector<shard::ShardInput> out(256);
    auto drain = [&] {
      pending.store(false);
      std::size_t n;
      while ((n = q.PopBulk(out.data(), out.size())) > 0) done.fetch_add(n, std::memory_order_relaxed);
    };
    for (std::size_t i = 0; i < kWakeItems; ++i) {
      shard::ShardInput in;
      while (!q.TryPush(tok, std::move(in))) std::this_thread::yield();
      if (!pending.exchange(true)) {
        posts.fetch_add(1, std::memory_order_relaxed);
        boost::asio::post(c.io, drain);
      }
    }
    while (done.load() < kWakeItems) std::this_thread::yield();
    state.counters["posts_per_item"] = static_cast<double>(posts.load()) / kWakeItems;
    state.SetItemsProcessed(state.items_processed() + kWakeItems);
  }
}
BENCHMARK(BM_WakeCoalesced)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace routerd

BENCHMARK_MAIN();
