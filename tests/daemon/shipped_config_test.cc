// The default configuration loads against the real adapters and policies, the
// way `routerd --config config/routerd.toml` loads it.
#include <gtest/gtest.h>

#include "engine/config/config_loader.h"
#include "engine/routing/policy_registry.h"
#include "routerd/builtin_adapters.h"

namespace routerd {
namespace {

TEST(ShippedConfigTest, DefaultConfigLoadsWithTheRealAdapters) {
  AdapterRegistry adapters;
  ASSERT_TRUE(RegisterBuiltinAdapters(adapters).ok());
  EXPECT_EQ(adapters.Kinds(), (std::vector<std::string>{"email", "facebook", "line", "web", "wechat", "whatsapp", "x"}));
  routing::PolicyRegistry policies;
  ASSERT_TRUE(routing::RegisterBuiltinPolicies(policies).ok());
  auto loaded = config::LoadConfigFile(ROUTERD_SOURCE_DIR "/config/routerd.toml", {&adapters, policies.Names()});
  for (const auto& e : loaded.errors) ADD_FAILURE() << e;
  ASSERT_TRUE(loaded.config.has_value());
  ASSERT_EQ(loaded.config->tenants.size(), 1u);
  const auto& t = loaded.config->tenants[0];
  EXPECT_EQ(t.channels.size(), 7u);
  for (const auto& c : t.channels) EXPECT_NE(c.adapter, nullptr) << c.id;
}

TEST(ShippedConfigTest, RegisteringTheBuiltinsTwiceIsRefused) {
  AdapterRegistry adapters;
  ASSERT_TRUE(RegisterBuiltinAdapters(adapters).ok());
  EXPECT_EQ(RegisterBuiltinAdapters(adapters).code(), StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace routerd
