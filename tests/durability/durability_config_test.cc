// The configuration the durability tests start routerd with: what
// DurabilityToml writes is what the daemon's loader reads, storage included.
#include <gtest/gtest.h>

#include <memory>

#include "engine/config/config_loader.h"
#include "engine/routing/policy_registry.h"
#include "routerd/builtin_adapters.h"
#include "tests/durability/durability_config.h"

namespace routerd::durability {
namespace {

config::LoadResult Load(const DurabilityConfig& c) {
  AdapterRegistry adapters;
  EXPECT_TRUE(RegisterBuiltinAdapters(adapters).ok());
  routing::PolicyRegistry policies;
  EXPECT_TRUE(routing::RegisterBuiltinPolicies(policies).ok());
  return config::LoadConfigString(DurabilityToml(c), "durability.toml", {&adapters, policies.Names()});
}

TEST(DurabilityConfigTest, TomlStringEscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(TomlString("plain/path?a=1&b=2"), "\"plain/path?a=1&b=2\"");
  EXPECT_EQ(TomlString("say \"hi\" \\ bye"), "\"say \\\"hi\\\" \\\\ bye\"");
  EXPECT_EQ(TomlString(std::string("a\nb\tc\x7f", 6)), "\"a\\u000Ab\\u0009c\\u007F\"");
}

TEST(DurabilityConfigTest, SqliteIsTheDefaultAndNamesNoUrl) {
  DurabilityConfig c;
  c.data_dir = "/tmp/routerd \"odd\" dir";
  const config::LoadResult loaded = Load(c);
  for (const std::string& error : loaded.errors) ADD_FAILURE() << error;
  ASSERT_TRUE(loaded.config.has_value());
  EXPECT_EQ(loaded.config->storage.backend, "sqlite");
  EXPECT_EQ(loaded.config->storage.url, "");
  EXPECT_EQ(loaded.config->storage.data_dir, c.data_dir);
}

TEST(DurabilityConfigTest, PostgresqlBackendAndUrlReachTheLoaderIntact) {
  DurabilityConfig c;
  c.data_dir = "/tmp/routerd-data";
  c.backend = "postgresql";
  c.url = "postgresql:///durability_1_2?host=%2Ftmp%2Fpg%20x&port=5432&user=postgres&note=\"q\"\\";
  c.partitions = 4;
  c.sync = false;
  const config::LoadResult loaded = Load(c);
  for (const std::string& error : loaded.errors) ADD_FAILURE() << error;
  ASSERT_TRUE(loaded.config.has_value());
  EXPECT_EQ(loaded.config->storage.backend, "postgresql");
  EXPECT_EQ(loaded.config->storage.url, c.url);
  EXPECT_EQ(loaded.config->storage.partitions, 4);
  EXPECT_EQ(loaded.config->storage.durability, config::Durability::kAsync);
}

}  // namespace
}  // namespace routerd::durability
