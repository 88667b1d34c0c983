// Shared scaffolding of the JSON channel adapters' benchmarks: a signed
// fixture as an owned POST, an adapter built through its factory, and the
// timed loop over the whole Handle() (verify, parse, normalize).
#pragma once

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "bench/adapters/fixture.h"
#include "routerd/adapter.h"
#include "routerd/channel_options.h"
#include "routerd/webhook.h"

namespace routerd::adapters::bench {


inline ChannelAdapterPtr MakeAdapter(const ChannelAdapterFactory& factory,
                                     std::initializer_list<std::pair<const char*, const char*>> options) {
  ChannelOptions o("bench.toml", 1, "bench");
  for (const auto& [key, value] : options) o.Set(key, std::string(value), 1);
  auto adapter = factory.Create(ChannelIdentity{"tenant", "channel", std::string(factory.Kind())}, o);
  if (!adapter.ok()) {
    std::cerr << adapter.status().ToString() << "\n";
    std::exit(1);
  }
  return *adapter;
}

// Runs adapter.Handle() on a POST of `body` with `headers`; items = contacts.
inline void RunHandle(benchmark::State& state, const ChannelAdapter& adapter, const std::string& body,
                      const std::vector<std::pair<std::string, std::string>>& headers) {
  std::vector<HeaderView> views;
  for (const auto& [name, value] : headers) views.push_back(HeaderView{name, value});
  WebhookRequest request;
  request.method = "POST";
  request.content_type = "application/json; charset=utf-8";
  request.headers = views;
  request.body = body;
  request.now_unix_ms = 1'718'000'000'500;
  std::size_t contacts = 0;
  for (auto _ : state) {
    WebhookOutcome outcome = adapter.Handle(request);
    if (outcome.response.status != 200) {
      state.SkipWithError("the fixture was not accepted");
      break;
    }
    contacts = outcome.contacts.size() + outcome.leave_messages.size();
    benchmark::DoNotOptimize(outcome);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * contacts));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}

}  // namespace routerd::adapters::bench
