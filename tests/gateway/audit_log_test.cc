// The audit log of admin writes, read from the daemon's own log output: each
// write is logged once its outcome is known, with that outcome, and request
// bytes cannot break the line.
#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "tests/gateway/gateway_fixture.h"

namespace routerd::gateway_test {
namespace {

// Sends what the default logger writes to a string for the test's duration.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    sink->set_pattern("%v");
    auto logger = std::make_shared<spdlog::logger>("capture", sink);
    logger->set_level(spdlog::level::info);
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }

  // The lines that contain `needle`.
  std::vector<std::string> Lines(std::string_view needle) {
    spdlog::default_logger()->flush();
    std::vector<std::string> lines;
    std::istringstream in(out_.str());
    for (std::string line; std::getline(in, line);) {
      if (line.find(needle) != std::string::npos) lines.push_back(line);
    }
    return lines;
  }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream out_;
};

// The capture outlives the daemon: members are destroyed after TearDown has
// stopped it, so no daemon thread logs through a logger being replaced.
class AuditLogTest : public GatewayTest {
 protected:
  LogCapture log_;
};

TEST_F(AuditLogTest, ARefusedWriteIsLoggedWithItsOutcomeNotAsDone) {
  StartDaemon();
  const HttpReply reply = Api("POST", "/api/v1/sessions/999999/close", kAcmeAdmin);
  ASSERT_EQ(reply.status, 404) << reply.body;
  const std::vector<std::string> lines = log_.Lines("/api/v1/sessions/999999/close");
  ASSERT_EQ(lines.size(), 1u) << ::testing::PrintToString(lines);
  EXPECT_NE(lines[0].find("admin write by '"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("(tenant acme): POST /api/v1/sessions/999999/close: refused 404 ("), std::string::npos)
      << lines[0];
  EXPECT_EQ(lines[0].find(": done"), std::string::npos) << lines[0];
}

TEST_F(AuditLogTest, RequestBytesCannotBreakTheLine) {
  StartDaemon();
  // Valid JSON whose whitespace holds line breaks.
  const HttpReply reply = Api("PUT", "/api/v1/tenant/cap", kAcmeAdmin, "{\r\n\"max_concurrent_sessions\":\t4\n}\n");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const std::vector<std::string> lines = log_.Lines("/api/v1/tenant/cap");
  ASSERT_EQ(lines.size(), 1u) << ::testing::PrintToString(lines);
  EXPECT_NE(lines[0].find(R"(PUT /api/v1/tenant/cap {\r\n"max_concurrent_sessions":\t4\n}\n: done)"),
            std::string::npos)
      << lines[0];
}

}  // namespace
}  // namespace routerd::gateway_test
