// Test helpers for the configuration loader: a fake channel kind for the
// AdapterRegistry (the real adapters are tested against the loader elsewhere)
// and line lookups so expected line numbers come from the test's own TOML text.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/config_loader.h"
#include "routerd/adapter.h"
#include "routerd/adapter_registry.h"

namespace routerd::config::testing {

class NullAdapter final : public ChannelAdapter {
 public:
  explicit NullAdapter(ChannelIdentity identity) : identity_(std::move(identity)) {}
  WebhookOutcome Handle(const WebhookRequest&) const override { return {}; }
  const ChannelIdentity& identity() const { return identity_; }

 private:
  ChannelIdentity identity_;
};

// Kind "fake": a required secret `token` and an optional integer `weight`.
class FakeFactory final : public ChannelAdapterFactory {
 public:
  std::string_view Kind() const override { return "fake"; }
  StatusOr<ChannelAdapterPtr> Create(const ChannelIdentity& identity, ChannelOptions& options) const override {
    auto token = options.RequiredSecret("token");
    if (!token.ok()) return token.status();
    auto weight = options.OptionalInt("weight");
    if (!weight.ok()) return weight.status();
    if (weight->has_value() && **weight < 0) return options.Error("weight", "must not be negative");
    return ChannelAdapterPtr(std::make_shared<NullAdapter>(identity));
  }
};

// Accepts any keys under a given kind, marking them read, and records them so a
// test can check which keys each channel of the shipped configuration has.
class AnyKeysFactory final : public ChannelAdapterFactory {
 public:
  using Seen = std::map<std::string, std::set<std::string>>;  // channel id -> keys

  AnyKeysFactory(std::string kind, std::shared_ptr<Seen> seen) : kind_(std::move(kind)), seen_(std::move(seen)) {}
  std::string_view Kind() const override { return kind_; }
  StatusOr<ChannelAdapterPtr> Create(const ChannelIdentity& identity, ChannelOptions& options) const override {
    for (const std::string& key : options.UnreadKeys()) {
      // Any getter marks the key read, whatever its type.
      (void)options.OptionalString(key);
      (*seen_)[identity.channel_id].insert(key);
    }
    return ChannelAdapterPtr(std::make_shared<NullAdapter>(identity));
  }

 private:
  std::string kind_;
  std::shared_ptr<Seen> seen_;
};

class ThrowingFactory final : public ChannelAdapterFactory {
 public:
  std::string_view Kind() const override { return "throws"; }
  StatusOr<ChannelAdapterPtr> Create(const ChannelIdentity&, ChannelOptions&) const override {
    throw std::runtime_error("factory blew up");
  }
};

inline std::vector<std::string> Strategies() { return {"least_busy", "longest_idle", "round_robin", "most_skilled"}; }

// 1-based line of the first occurrence of `needle` in `text`; 0 when absent.
inline int LineOf(std::string_view text, std::string_view needle) {
  size_t pos = text.find(needle);
  if (pos == std::string_view::npos) return 0;
  int line = 1;
  for (size_t i = 0; i < pos; ++i) line += text[i] == '\n';
  return line;
}

// An error that starts with "routerd.toml:<line>: <where>" and contains `fragment`.
inline ::testing::Matcher<const std::vector<std::string>&> HasError(int line, std::string_view where,
                                                                    std::string_view fragment) {
  std::string prefix = "routerd.toml:" + std::to_string(line) + ": ";
  if (!where.empty()) prefix += std::string(where) + ": ";
  return ::testing::Contains(
      ::testing::AllOf(::testing::StartsWith(prefix), ::testing::HasSubstr(std::string(fragment))));
}

// Loads a document of one tenant "t" followed by `tables` (its sub-tables),
// with the "fake" channel kind registered; Line() finds a line of it.
class OneTenantConfigTest : public ::testing::Test {
 protected:
  OneTenantConfigTest() {
    EXPECT_TRUE(registry_.Register(std::make_unique<FakeFactory>()).ok());
    schema_.adapters = &registry_;
    schema_.strategies = Strategies();
  }
  LoadResult Load(std::string_view tables) {
    text_ = "[[tenants]]\nid = \"t\"\n" + std::string(tables);
    return LoadConfigString(text_, "routerd.toml", schema_);
  }
  int Line(std::string_view needle) const { return LineOf(text_, needle); }

  AdapterRegistry registry_;
  ConfigSchema schema_;
  std::string text_;
};

}  // namespace routerd::config::testing
