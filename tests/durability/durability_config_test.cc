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

TEST(DurabilityConfigTest, ClusterInstanceAdvertisesItsPortAndTakesTheLeaseTiming) {
  DurabilityConfig c;
  c.data_dir = "/tmp/routerd-data";
  c.backend = "postgresql";
  c.url = "postgresql:///cluster_1?host=%2Ftmp";
  c.port = 18080;
  c.tenants = 3;
  c.cluster_instance = "b";
  c.lease_ms = 1000;
  c.inbox_poll_ms = 200;
  const config::LoadResult loaded = Load(c);
  for (const std::string& error : loaded.errors) ADD_FAILURE() << error;
  ASSERT_TRUE(loaded.config.has_value());
  EXPECT_TRUE(loaded.config->cluster.enabled);
  EXPECT_EQ(loaded.config->cluster.instance_id, "b");
  EXPECT_EQ(loaded.config->cluster.advertise_url, "http://127.0.0.1:18080");
  EXPECT_EQ(loaded.config->cluster.lease_ms, 1000);
  EXPECT_EQ(loaded.config->cluster.renew_interval_ms, 0);  // the default, a third of the lease
  EXPECT_EQ(loaded.config->cluster.inbox_poll_ms, 200);
  ASSERT_EQ(loaded.config->tenants.size(), 3u);
  // The extra tenants' agent has a token of its own (the cluster test's
  // agents need one per tenant).
  EXPECT_EQ(loaded.config->tenants[2].tokens.size(), 1u);
}

TEST(DurabilityConfigTest, NoClusterTableWithoutAnInstanceId) {
  DurabilityConfig c;
  c.data_dir = "/tmp/routerd-data";
  const config::LoadResult loaded = Load(c);
  ASSERT_TRUE(loaded.config.has_value());
  EXPECT_FALSE(loaded.config->cluster.enabled);
}

}  // namespace
}  // namespace routerd::durability
