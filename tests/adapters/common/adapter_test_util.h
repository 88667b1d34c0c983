// Test helpers shared by the adapter tests: fixture files and owned webhook
// requests. Test-only; not part of any library.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "routerd/adapter.h"
#include "routerd/channel_options.h"
#include "routerd/webhook.h"

#ifndef ROUTERD_FIXTURES_DIR
#error "tests must define ROUTERD_FIXTURES_DIR"
#endif

namespace routerd::adapters::testing {

// The raw bytes of tests/fixtures/<kind>/<name>; fails the test when missing.
inline std::string ReadFixture(std::string_view kind, std::string_view name) {
  std::string path = std::string(ROUTERD_FIXTURES_DIR) + "/" + std::string(kind) + "/" + std::string(name);
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open fixture " << path;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A WebhookRequest that owns its bytes.
struct TestRequest {
  std::string method = "POST";
  std::string query;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::int64_t now_unix_ms = 1'700'000'000'000;

  TestRequest& Header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }

  // Valid until this TestRequest changes.
  WebhookRequest View() {
    views_.clear();
    for (const auto& [name, value] : headers) views_.push_back(HeaderView{name, value});
    WebhookRequest r;
    r.method = method;
    r.query = query;
    r.content_type = content_type;
    r.headers = views_;
    r.body = body;
    r.now_unix_ms = now_unix_ms;
    return r;
  }

 private:
  std::vector<HeaderView> views_;
};

inline ChannelIdentity TestIdentity(std::string kind) {
  return ChannelIdentity{"tenant-1", "channel-1", std::move(kind)};
}

inline ChannelOptions TestOptions() { return ChannelOptions("routerd.toml", 7, "tenants[0].channels[0]"); }

}  // namespace routerd::adapters::testing
