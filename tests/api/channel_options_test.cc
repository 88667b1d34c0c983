#include "routerd/channel_options.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace routerd {
namespace {

ChannelOptions Make() { return ChannelOptions("routerd.toml", 40, "tenants[0].channels[1] 'wa-main'"); }

TEST(ChannelOptionsTest, InlineSecretAndUnreadKeys) {
  ChannelOptions o = Make();
  o.Set("app_secret", std::string("s3cret"), 42);
  o.Set("verfy_token", std::string("typo"), 43);
  auto s = o.RequiredSecret("app_secret");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(*s, "s3cret");
  EXPECT_EQ(o.UnreadKeys(), std::vector<std::string>{"verfy_token"});
}

TEST(ChannelOptionsTest, MissingSecretNamesTheKeyAndTableLine) {
  ChannelOptions o = Make();
  auto s = o.RequiredSecret("app_secret");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("routerd.toml:40:"), std::string::npos) << s.status().message();
  EXPECT_NE(s.status().message().find("app_secret_env"), std::string::npos);
  EXPECT_NE(s.status().message().find("'wa-main'"), std::string::npos);
}

TEST(ChannelOptionsTest, SecretFromEnvironment) {
  ::setenv("ROUTERD_TEST_SECRET", "from-env", 1);
  ChannelOptions o = Make();
  o.Set("channel_secret_env", std::string("ROUTERD_TEST_SECRET"), 44);
  auto s = o.RequiredSecret("channel_secret");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(*s, "from-env");
  EXPECT_TRUE(o.UnreadKeys().empty());
}

TEST(ChannelOptionsTest, UnsetEnvironmentVariableIsAnErrorOnItsLine) {
  ::unsetenv("ROUTERD_TEST_UNSET");
  ChannelOptions o = Make();
  o.Set("channel_secret_env", std::string("ROUTERD_TEST_UNSET"), 45);
  auto s = o.RequiredSecret("channel_secret");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find(":45:"), std::string::npos) << s.status().message();
  EXPECT_NE(s.status().message().find("ROUTERD_TEST_UNSET"), std::string::npos);
}

TEST(ChannelOptionsTest, SecretFromFileStripsTrailingNewline) {
  auto path = std::filesystem::temp_directory_path() / "routerd_secret_test.txt";
  { std::ofstream(path) << "file-secret\n"; }
  ChannelOptions o = Make();
  o.Set("signing_key_file", path.string(), 46);
  auto s = o.RequiredSecret("signing_key");
  std::filesystem::remove(path);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(*s, "file-secret");
}

TEST(ChannelOptionsTest, TwoSourcesForOneSecretAreRejectedWithoutTheValue) {
  ChannelOptions o = Make();
  o.Set("token", std::string("very-secret-value"), 47);
  o.Set("token_env", std::string("X"), 48);
  auto s = o.RequiredSecret("token");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message().find("very-secret-value"), std::string::npos);
}

TEST(ChannelOptionsTest, WrongTypeIsReported) {
  ChannelOptions o = Make();
  o.Set("app_id", std::int64_t{5}, 49);
  auto s = o.RequiredString("app_id");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("must be a string"), std::string::npos);
}

}  // namespace
}  // namespace routerd
