// The configuration loader's main fixture: a complete, valid tenant (kGood)
// that tests append to or edit, loaded with the "fake" and "throws" channel
// kinds registered; Line() finds a line of the text last loaded.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "engine/config/config_loader.h"
#include "tests/config/config_test_util.h"

namespace routerd::config::testing {

class ConfigLoaderTest : public ::testing::Test {
 protected:
  ConfigLoaderTest() {
    EXPECT_TRUE(registry_.Register(std::make_unique<FakeFactory>()).ok());
    EXPECT_TRUE(registry_.Register(std::make_unique<ThrowingFactory>()).ok());
    schema_.adapters = &registry_;
    schema_.strategies = Strategies();
  }

  LoadResult Load(std::string_view text) {
    text_ = std::string(text);
    return LoadConfigString(text_, "routerd.toml", schema_);
  }

  // The line of `needle` in the text last loaded; fails the test when absent.
  int Line(std::string_view needle) {
    int line = LineOf(text_, needle);
    EXPECT_GT(line, 0) << "not in the test's TOML: " << needle;
    return line;
  }

  AdapterRegistry registry_;
  ConfigSchema schema_;
  std::string text_;
};

// A complete, valid tenant; tests append to it or replace a line.
inline constexpr std::string_view kGood = R"toml(
[server]
listen = "0.0.0.0:9000"
io_threads = 4
router_shards = 2
router_queue_capacity = 4096
router_batch_size = 128
router_tick_ms = 50
session_history_limit = 30
log_level = "debug"

[[tenants]]
id = "acme"
multimedia_access_mode = "unified"
max_concurrent_sessions = 6
session_idle_timeout_seconds = 900

[[tenants.ous]]
id = "root"
parent = ""
max_concurrent_sessions = 4

[[tenants.ous]]
id = "child"
parent = "root"

[[tenants.ous]]
id = "other"

[[tenants.skill_queues]]
id = "general"
strategy = "least_busy"
max_wait_seconds = 30
max_waiting = 50
on_overflow = "queue:backup"

[[tenants.skill_queues]]
id = "backup"
strategy = "round_robin"

[[tenants.skill_queues]]
id = "phones"
media = "voice"

[[tenants.agents]]
employee_id = "a1"
ou = "child"
type = "multimedia"
skill_queues = ["general", "backup"]
max_concurrent_sessions = 2
business_account = "ana"
name = "Ana"

[[tenants.agents]]
employee_id = "a2"
ou = "other"
type = "versatile"
skill_queues = ["general", "phones"]

[[tenants.agents]]
employee_id = "v1"
ou = "root"
type = "voice"
skill_queues = ["phones"]

[[tenants.channels]]
id = "c1"
kind = "fake"
skill_queue = "general"
token = "t0k3n"
weight = 3
)toml";

}  // namespace routerd::config::testing
