// [tenants.dialer]: defaults, every key read, and mistakes named with their
// line and key (never with a secret's value).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "engine/config/config_loader.h"
#include "tests/config/config_test_util.h"

namespace routerd::config {
namespace {

using ::testing::SizeIs;
using testing::HasError;

class DialerConfigTest : public ::testing::Test {
 protected:
  DialerConfigTest() {
    schema_.adapters = &registry_;
    schema_.strategies = testing::Strategies();
  }
  LoadResult Load(std::string_view dialer) {
    text_ = "[[tenants]]\nid = \"t\"\n" + std::string(dialer);
    return LoadConfigString(text_, "routerd.toml", schema_);
  }
  int Line(std::string_view needle) { return testing::LineOf(text_, needle); }

  AdapterRegistry registry_;
  ConfigSchema schema_;
  std::string text_;
};

TEST_F(DialerConfigTest, DefaultsWithoutTheTable) {
  LoadResult r = Load("");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  const DialerConfig& d = r.config->tenants[0].dialer;
  EXPECT_EQ(d.idle_max_active_sessions, 0);
  EXPECT_EQ(d.url, "");
  EXPECT_EQ(d.secret, "");
  EXPECT_EQ(d.timeout_ms, 5000);
  EXPECT_EQ(d.max_attempts, 3);
  EXPECT_EQ(d.retry_backoff_ms, 500);
  EXPECT_EQ(d.callback_tolerance_seconds, 300);
  EXPECT_EQ(d.max_pending_calls, 100);
}

TEST_F(DialerConfigTest, EveryKey) {
  ::setenv("ROUTERD_TEST_DIALER_SECRET", "from-the-environment-123", 1);
  LoadResult r = Load(R"toml([tenants.dialer]
idle_max_active_sessions = 2
url = "http://pbx.internal:8088/routerd/calls"
secret_env = "ROUTERD_TEST_DIALER_SECRET"
timeout_ms = 2500
max_attempts = 5
retry_backoff_ms = 250
callback_tolerance_seconds = 120
max_pending_calls = 40
)toml");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  const DialerConfig& d = r.config->tenants[0].dialer;
  EXPECT_EQ(d.idle_max_active_sessions, 2);
  EXPECT_EQ(d.url, "http://pbx.internal:8088/routerd/calls");
  EXPECT_EQ(d.secret, "from-the-environment-123");
  EXPECT_EQ(d.timeout_ms, 2500);
  EXPECT_EQ(d.max_attempts, 5);
  EXPECT_EQ(d.retry_backoff_ms, 250);
  EXPECT_EQ(d.callback_tolerance_seconds, 120);
  EXPECT_EQ(d.max_pending_calls, 40);
  // The idle rule alone needs no telephony.
  r = Load("[tenants.dialer]\nidle_max_active_sessions = 1\n");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  EXPECT_EQ(r.config->tenants[0].dialer.idle_max_active_sessions, 1);
}

TEST_F(DialerConfigTest, MistakesAreNamedWithTheirLine) {
  LoadResult r = Load(R"toml([tenants.dialer]
idle_max_active_sessions = 61
url = "https://pbx.example/calls"
secret = "short-secret"
timeout_ms = 50
max_attempts = 0
retry_backoff_ms = 60001
callback_tolerance_seconds = 0
max_pending_calls = 0
ring_timeout = 30
)toml");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, SizeIs(9)) << ::testing::PrintToString(r.errors);
  const std::string where = "tenants[0].dialer";
  EXPECT_THAT(r.errors, HasError(Line("idle_max"), where, "idle_max_active_sessions = 61 is out of range"));
  EXPECT_THAT(r.errors, HasError(Line("url ="), where,
                                 "url = \"https://pbx.example/calls\" is not an http:// URL with a host"));
  EXPECT_THAT(r.errors, HasError(Line("secret ="), where, "secret is 12 bytes; at least 16 are required"));
  EXPECT_THAT(r.errors, HasError(Line("timeout_ms"), where, "timeout_ms = 50 is out of range"));
  EXPECT_THAT(r.errors, HasError(Line("max_attempts"), where, "max_attempts = 0 is out of range"));
  EXPECT_THAT(r.errors, HasError(Line("retry_backoff_ms"), where, "retry_backoff_ms = 60001 is out of range"));
  EXPECT_THAT(r.errors, HasError(Line("callback_tolerance"), where, "callback_tolerance_seconds = 0 is out of range"));
  EXPECT_THAT(r.errors, HasError(Line("max_pending_calls"), where, "max_pending_calls = 0 is out of range"));
  EXPECT_THAT(r.errors, HasError(Line("ring_timeout"), where, "unknown key 'ring_timeout'"));
  for (const std::string& e : r.errors) EXPECT_EQ(e.find("short-secret"), std::string::npos) << e;
}

TEST_F(DialerConfigTest, AUrlNeedsASecret) {
  LoadResult r = Load("[tenants.dialer]\nurl = \"http://127.0.0.1:9000/calls\"\n");
  EXPECT_FALSE(r.config.has_value());
  ASSERT_THAT(r.errors, SizeIs(1));
  EXPECT_NE(r.errors[0].find("missing secret (give secret, secret_env or secret_file)"), std::string::npos)
      << r.errors[0];
}

}  // namespace
}  // namespace routerd::config
