// The budget of failed authentications per client address, over the real
// daemon: unknown tokens, a WebSocket upgrade without one and forged webhook
// signatures use it up; then every request from that address, a valid token's
// included, is answered 429 with Retry-After from its header on.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/gateway/gateway_fixture.h"

namespace routerd::gateway_test {
namespace {

class AuthThrottleTest : public GatewayTest {};

TEST_F(AuthThrottleTest, TokenGuessesUseTheBudgetThenTheAddressIsRefused) {
  GatewayConfig config;
  config.auth_failure_burst = 3;
  config.auth_failures_per_minute = 1;
  StartDaemon(config);
  // A client that authenticates uses none of it.
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Api("GET", "/api/v1/agents", kAcmeAdmin).status, 200);

  EXPECT_EQ(Api("GET", "/api/v1/agents", "guess-1").status, 401);
  EXPECT_EQ(UpgradeStatus("/api/v1/agents/a1/ws", "guess-2"), 401);
  EXPECT_EQ(Api("GET", "/api/v1/agents", "").status, 401);

  for (std::string_view token : {std::string_view("guess-4"), kAcmeAdmin}) {
    HttpReply r = Api("GET", "/api/v1/agents", token);
    EXPECT_EQ(r.status, 429) << r.body;
    EXPECT_NE(r.body.find("too many failed authentications from this address"), std::string::npos) << r.body;
    const int retry_after = std::stoi(r.Header("Retry-After"));
    EXPECT_GT(retry_after, 0);
    EXPECT_LE(retry_after, 60);
  }
  EXPECT_EQ(Api("GET", "/healthz", "").status, 429);
  EXPECT_EQ(UpgradeStatus("/api/v1/agents/a1/ws", kA1Token), 429);
}

TEST_F(AuthThrottleTest, ForgedWebhookSignaturesCountToo) {
  GatewayConfig config;
  config.auth_failure_burst = 2;
  StartDaemon(config);
  DeliverWeb(kAcmeWeb, "v1", "Ann", "hello");  // signed: costs nothing
  const std::string body = R"({"event_id":"forged","type":"message","visitor":{"id":"v2"},"text":"x","sent_at":1})";
  const Headers forged = {{"Content-Type", "application/json"},
                          {"X-Routerd-Timestamp", std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                                      std::chrono::system_clock::now().time_since_epoch())
                                                      .count())},
                          {"X-Routerd-Signature", std::string(64, '0')}};
  EXPECT_EQ(Api("POST", "/webhooks/web/acme-web", "", body, forged).status, 401);
  EXPECT_EQ(Api("POST", "/webhooks/web/acme-web", "", body, forged).status, 401);
  EXPECT_EQ(Api("POST", "/webhooks/web/acme-web", "", body, forged).status, 429);
}

TEST_F(AuthThrottleTest, ZeroTurnsTheLimitOff) {
  GatewayConfig config;
  config.auth_failure_burst = 0;
  StartDaemon(config);
  for (int i = 0; i < 50; ++i) ASSERT_EQ(Api("GET", "/api/v1/agents", "guess").status, 401) << i;
  EXPECT_EQ(Api("GET", "/api/v1/agents", kAcmeAdmin).status, 200);
}

}  // namespace
}  // namespace routerd::gateway_test
