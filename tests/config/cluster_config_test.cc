// [cluster]: an instance's identity (inline or from the environment, since
// every instance reads the same file), its advertised URL, the lease timing,
// the storage it needs, and that a missing or disabled table changes nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>
#include <string_view>

#include "engine/config/config_diff.h"
#include "engine/config/config_loader.h"
#include "engine/config/config_summary.h"
#include "tests/config/config_test_util.h"

namespace routerd::config {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::HasError;
using ClusterConfigTest = testing::OneTenantConfigTest;

constexpr std::string_view kSharedStorage = "[storage]\nbackend = \"postgresql\"\nurl = \"postgresql:///routerd\"\n";
constexpr std::string_view kIdentity = "instance_id = \"node-1\"\nadvertise_url = \"http://10.0.0.5:8080\"\n";

// An enabled [cluster] over the shared storage, with `keys`.
std::string Enabled(std::string_view keys) {
  return std::string(kSharedStorage) + "[cluster]\nenabled = true\n" + std::string(keys);
}

// Sets an environment variable for one test and removes it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~ScopedEnv() { ::unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
};

void ExpectSingleNodeDefaults(const ClusterOptions& c) {
  const ClusterOptions defaults;
  EXPECT_FALSE(c.enabled);
  EXPECT_EQ(c.instance_id, "");
  EXPECT_EQ(c.advertise_url, "");
  EXPECT_EQ(c.lease_ms, defaults.lease_ms);
  EXPECT_EQ(c.renew_interval_ms, defaults.renew_interval_ms);
  EXPECT_EQ(c.inbox_poll_ms, defaults.inbox_poll_ms);
}

TEST_F(ClusterConfigTest, AValidClusterIsLoadedAndItsUrlLosesTheTrailingSlash) {
  LoadResult r = Load(Enabled(
      "instance_id = \"node-1.dc_a\"\nadvertise_url = \"https://router-1.example.com:8443/\"\n"
      "lease_ms = 6000\nrenew_interval_ms = 1500\ninbox_poll_ms = 200\n"));
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  const ClusterOptions& c = r.config->cluster;
  EXPECT_TRUE(c.enabled);
  EXPECT_EQ(c.instance_id, "node-1.dc_a");
  EXPECT_EQ(c.advertise_url, "https://router-1.example.com:8443");
  EXPECT_EQ(c.lease_ms, 6000);
  EXPECT_EQ(c.renew_interval_ms, 1500);
  EXPECT_EQ(EffectiveRenewIntervalMs(c), 1500);
  EXPECT_EQ(c.inbox_poll_ms, 200);
}

TEST_F(ClusterConfigTest, RenewIntervalZeroMeansAThirdOfTheLease) {
  EXPECT_EQ(EffectiveRenewIntervalMs(ClusterOptions{}), 1000);
  LoadResult r = Load(Enabled(std::string(kIdentity) + "lease_ms = 900\n"));
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  EXPECT_EQ(r.config->cluster.renew_interval_ms, 0);
  EXPECT_EQ(EffectiveRenewIntervalMs(r.config->cluster), 300);
}

TEST_F(ClusterConfigTest, IPv6AndNameHostsAreAccepted) {
  for (std::string_view url : {"http://[fd00::5]:8080", "http://localhost:1", "https://a-b.example:65535"}) {
    LoadResult r = Load(Enabled("instance_id = \"n\"\nadvertise_url = \"" + std::string(url) + "\"\n"));
    ASSERT_TRUE(r.config.has_value()) << url << ": " << ::testing::PrintToString(r.errors);
    EXPECT_EQ(r.config->cluster.advertise_url, url);
  }
}

TEST_F(ClusterConfigTest, WithoutTheTableOrDisabledItIsASingleNodeWithDefaults) {
  LoadResult r = Load("");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  ExpectSingleNodeDefaults(r.config->cluster);

  // On SQLite, with a variable nobody set: a disabled cluster needs neither.
  ::unsetenv("ROUTERD_TEST_UNSET_INSTANCE_ID");
  r = Load(
      "[cluster]\nenabled = false\ninstance_id_env = \"ROUTERD_TEST_UNSET_INSTANCE_ID\"\n"
      "advertise_url = \"http://10.0.0.5:8080\"\nlease_ms = 10000\nrenew_interval_ms = 2000\n");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  ExpectSingleNodeDefaults(r.config->cluster);
  EXPECT_THAT(FormatConfigSummary(*r.config), Not(HasSubstr("cluster:")));

  r = Load("[cluster]\n");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  ExpectSingleNodeDefaults(r.config->cluster);
}

TEST_F(ClusterConfigTest, KeysOfADisabledClusterAreStillChecked) {
  LoadResult r = Load("[cluster]\nenabled = false\ninstance_id = \"node 1\"\nlease_ms = 100\nenabled_x = 1\n");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, HasError(Line("instance_id ="), "cluster", "is not a valid instance id"));
  EXPECT_THAT(r.errors, HasError(Line("lease_ms ="), "cluster", "lease_ms = 100 is out of range (allowed 500..60000)"));
  EXPECT_THAT(r.errors, HasError(Line("enabled_x"), "cluster", "unknown key 'enabled_x'"));

  r = Load("[cluster]\nenabled = \"yes\"\n");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, HasError(Line("enabled ="), "cluster", "enabled must be true or false"));
}

TEST_F(ClusterConfigTest, EnabledWithoutAnInstanceIdOrAUrlIsRefused) {
  LoadResult r = Load(Enabled("advertise_url = \"http://10.0.0.5:8080\"\n"));
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, HasError(Line("[cluster]"), "cluster", "enabled = true needs instance_id, or instance_id_env"));
  EXPECT_THAT(r.errors, Not(Contains(HasSubstr("needs advertise_url"))));

  r = Load(Enabled("instance_id = \"node-1\"\n"));
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors,
              HasError(Line("[cluster]"), "cluster", "enabled = true needs advertise_url, or advertise_url_env"));
  EXPECT_THAT(r.errors, Not(Contains(HasSubstr("needs instance_id"))));
}

TEST_F(ClusterConfigTest, BothFormsOfOneValueAreRefused) {
  LoadResult r = Load(Enabled(
      "instance_id = \"node-1\"\ninstance_id_env = \"ROUTERD_TEST_ID\"\nadvertise_url = \"http://h:1\"\n"));
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, HasError(Line("instance_id_env"), "cluster", "give only one of instance_id and instance_id_env"));
  EXPECT_THAT(r.errors, Not(Contains(HasSubstr("needs instance_id"))));

  r = Load(Enabled(
      "instance_id = \"node-1\"\nadvertise_url = \"http://h:1\"\nadvertise_url_env = \"ROUTERD_TEST_URL\"\n"));
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors,
              HasError(Line("advertise_url_env"), "cluster", "give only one of advertise_url and advertise_url_env"));
}

TEST_F(ClusterConfigTest, AnInstanceIdIsAPlainIdOfAtMost64Characters) {
  LoadResult r = Load(Enabled("instance_id = \"" + std::string(64, 'x') + "\"\nadvertise_url = \"http://h:1\"\n"));
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  EXPECT_EQ(r.config->cluster.instance_id, std::string(64, 'x'));

  for (std::string id : {std::string("node 1"), std::string(""), std::string(65, 'x'), std::string("node/1"),
                         std::string("n\\u00e9")}) {
    r = Load(Enabled("instance_id = \"" + id + "\"\nadvertise_url = \"http://h:1\"\n"));
    EXPECT_FALSE(r.config.has_value()) << id;
    EXPECT_THAT(r.errors, HasError(Line("instance_id ="), "cluster",
                                   "is not a valid instance id (allowed: 1..64 of letters, digits, '.', '_', '-')"))
        << id;
  }
}

TEST_F(ClusterConfigTest, TheAdvertisedUrlIsHttpOrHttpsWithAHostAndAPort) {
  struct Case {
    std::string_view url;
    std::string_view why;
  };
  for (const Case& c : {Case{"ftp://h:21", "is not an http:// or https:// URL"},
                        Case{"10.0.0.5:8080", "is not an http:// or https:// URL"},
                        Case{"http://10.0.0.5", "does not name a host and a port"},
                        Case{"http://:8080", "does not name a host and a port"},
                        Case{"http://h:0", "does not name a host and a port"},
                        Case{"http://h:65536", "does not name a host and a port"},
                        Case{"http://h_1:80", "does not name a host and a port"},
                        Case{"http://[fd00::5]", "does not name a host and a port"},
                        Case{"http://user@h:8080", "holds user information"},
                        Case{"http://h:8080?x=1", "is not a plain URL"},
                        Case{"http://0.0.0.0:8080", "names a wildcard address"},
                        Case{"http://[::]:8080", "names a wildcard address"}}) {
    LoadResult r = Load(Enabled("instance_id = \"n\"\nadvertise_url = \"" + std::string(c.url) + "\"\n"));
    EXPECT_FALSE(r.config.has_value()) << c.url;
    EXPECT_THAT(r.errors, HasError(Line("advertise_url ="), "cluster",
                                   "advertise_url = \"" + std::string(c.url) + "\" " + std::string(c.why)))
        << c.url;
  }
}

TEST_F(ClusterConfigTest, AnAdvertisedUrlWithAPathIsRefused) {
  for (std::string_view url : {"http://h:8080/routerd", "http://h:8080//", "https://h:443/api/v1"}) {
    LoadResult r = Load(Enabled("instance_id = \"n\"\nadvertise_url = \"" + std::string(url) + "\"\n"));
    EXPECT_FALSE(r.config.has_value()) << url;
    EXPECT_THAT(r.errors, HasError(Line("advertise_url ="), "cluster", "has a path")) << url;
  }
}

TEST_F(ClusterConfigTest, ClusterModeNeedsPostgresqlWithSyncDurability) {
  LoadResult r = Load("[cluster]\nenabled = true\n" + std::string(kIdentity));
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, HasError(Line("enabled ="), "cluster",
                                 "enabled = true needs [storage] backend = \"postgresql\" (it is \"sqlite\")"));

  r = Load(std::string(kSharedStorage) + "durability = \"async\"\n[cluster]\nenabled = true\n" +
           std::string(kIdentity));
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, HasError(Line("enabled ="), "cluster", "enabled = true needs [storage] durability = \"sync\""));
  EXPECT_THAT(r.errors, Contains(HasSubstr("a 2xx means the contact is committed in the shared database")));
}

TEST_F(ClusterConfigTest, LeaseAndInboxPollOutsideTheirRangesAreRefused) {
  for (std::string_view key : {"lease_ms = 499", "lease_ms = 60001", "inbox_poll_ms = 49", "inbox_poll_ms = 10001",
                               "lease_ms = -1"}) {
    LoadResult r = Load(Enabled(std::string(kIdentity) + std::string(key) + "\n"));
    EXPECT_FALSE(r.config.has_value()) << key;
    EXPECT_THAT(r.errors, HasError(Line(key), "cluster", std::string(key) + " is out of range")) << key;
  }
  LoadResult r = Load(Enabled(std::string(kIdentity) + "lease_ms = 60000\ninbox_poll_ms = 50\n"));
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  EXPECT_EQ(r.config->cluster.lease_ms, 60000);
  EXPECT_EQ(r.config->cluster.inbox_poll_ms, 50);
}

TEST_F(ClusterConfigTest, RenewIntervalLeavesASecondTryBeforeTheLeaseEnds) {
  LoadResult r = Load(Enabled(std::string(kIdentity) + "lease_ms = 3000\nrenew_interval_ms = 1501\n"));
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, HasError(Line("renew_interval_ms"), "cluster",
                                 "renew_interval_ms = 1501 is more than half of lease_ms = 3000 (allowed 0, for a "
                                 "third of lease_ms, or 100..1500)"));

  for (std::string_view renew : {"renew_interval_ms = 99", "renew_interval_ms = -1"}) {
    r = Load(Enabled(std::string(kIdentity) + std::string(renew) + "\n"));
    EXPECT_FALSE(r.config.has_value()) << renew;
    EXPECT_THAT(r.errors, HasError(Line("renew_interval_ms"), "cluster", std::string(renew) + " is out of range"))
        << renew;
  }

  for (int renew : {100, 1500}) {
    r = Load(Enabled(std::string(kIdentity) + "lease_ms = 3000\nrenew_interval_ms = " + std::to_string(renew) +
                     "\n"));
    ASSERT_TRUE(r.config.has_value()) << renew << ": " << ::testing::PrintToString(r.errors);
    EXPECT_EQ(EffectiveRenewIntervalMs(r.config->cluster), renew);
  }
}

TEST_F(ClusterConfigTest, UnknownKeysAreRefused) {
  LoadResult r = Load(Enabled(std::string(kIdentity) + "lease_msec = 3000\n"));
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors,
              HasError(Line("lease_msec"), "cluster", "unknown key 'lease_msec' (did you mean 'lease_ms'?)"));
}

TEST_F(ClusterConfigTest, IdentityFromTheEnvironment) {
  {
    ScopedEnv id("ROUTERD_TEST_INSTANCE_ID", "node-7");
    ScopedEnv url("ROUTERD_TEST_ADVERTISE_URL", "http://10.1.2.3:9000/");
    LoadResult r = Load(Enabled(
        "instance_id_env = \"ROUTERD_TEST_INSTANCE_ID\"\nadvertise_url_env = \"ROUTERD_TEST_ADVERTISE_URL\"\n"));
    ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
    EXPECT_EQ(r.config->cluster.instance_id, "node-7");
    EXPECT_EQ(r.config->cluster.advertise_url, "http://10.1.2.3:9000");
  }
  {
    // A value from the environment is checked as one given inline.
    ScopedEnv id("ROUTERD_TEST_INSTANCE_ID", "node 7");
    ScopedEnv url("ROUTERD_TEST_ADVERTISE_URL", "http://10.1.2.3:9000/x");
    LoadResult r = Load(Enabled(
        "instance_id_env = \"ROUTERD_TEST_INSTANCE_ID\"\nadvertise_url_env = \"ROUTERD_TEST_ADVERTISE_URL\"\n"));
    EXPECT_FALSE(r.config.has_value());
    EXPECT_THAT(r.errors, HasError(Line("instance_id_env"), "cluster",
                                   "instance_id_env: environment variable 'ROUTERD_TEST_INSTANCE_ID' = \"node 7\", "
                                   "which is not a valid instance id"));
    EXPECT_THAT(r.errors, HasError(Line("advertise_url_env"), "cluster",
                                   "environment variable 'ROUTERD_TEST_ADVERTISE_URL' = \"http://10.1.2.3:9000/x\", "
                                   "which has a path"));
  }
  ::unsetenv("ROUTERD_TEST_INSTANCE_ID");
  LoadResult r = Load(Enabled("instance_id_env = \"ROUTERD_TEST_INSTANCE_ID\"\nadvertise_url = \"http://h:1\"\n"));
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, HasError(Line("instance_id_env"), "cluster",
                                 "environment variable 'ROUTERD_TEST_INSTANCE_ID' is not set"));

  r = Load(Enabled("instance_id_env = \"\"\nadvertise_url = \"http://h:1\"\n"));
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, HasError(Line("instance_id_env"), "cluster", "instance_id_env is empty"));
}

TEST_F(ClusterConfigTest, TheSummaryShowsAnEnabledCluster) {
  LoadResult r = Load(Enabled(std::string(kIdentity) + "inbox_poll_ms = 250\n"));
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  EXPECT_THAT(FormatConfigSummary(*r.config),
              HasSubstr("\ncluster: instance 'node-1' at http://10.0.0.5:8080, lease 3000 ms renewed every 1000 ms, "
                        "inbox poll 250 ms\n"));
}

TEST(ClusterConfigDiffTest, AnyClusterChangeNeedsARestart) {
  const std::string base = "[cluster]\nenabled = true\nlease_ms = 3000\n\n[[tenants]]\nid = \"t\"\n";
  std::string longer = base;
  longer.replace(longer.find("3000"), 4, "4000");
  EXPECT_THAT(ChangedPartsBesideTokens(base, longer), ElementsAre("[cluster]"));
  const std::string none = "[[tenants]]\nid = \"t\"\n";
  EXPECT_THAT(ChangedPartsBesideTokens(none, base), ElementsAre("[cluster]"));
  EXPECT_THAT(ChangedPartsBesideTokens(base, none), ElementsAre("[cluster]"));
  EXPECT_THAT(ChangedPartsBesideTokens(base, "[cluster]\nlease_ms = 3000\nenabled = true\n[[tenants]]\nid = \"t\"\n"),
              ::testing::IsEmpty());
}

}  // namespace
}  // namespace routerd::config
