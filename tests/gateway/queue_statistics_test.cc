// Queue statistics over the real daemon: /api/v1/queues and /metrics (tenant
// and queue labels, histograms) after sessions are answered and closed.
#include <gtest/gtest.h>

#include "tests/gateway/gateway_fixture.h"

namespace routerd::gateway_test {
namespace {

using QueueStatisticsTest = GatewayTest;

TEST_F(QueueStatisticsTest, AnsweredAndClosedSessionsShowInTheApiAndInMetrics) {
  StartDaemon();
  auto a1 = ConnectReady("a1", kA1Token);
  DeliverWeb(kAcmeWeb, "cust-1", "Ana", "hello");
  const std::string s1 = *a1->NextOfType("assigned").Str("/session_id");
  a1->Ack(R"("type":"close","session_id":")" + s1 + R"(")");
  a1->NextOfType("session_ended");

  const HttpReply reply = Api("GET", "/api/v1/queues", kAcmeAdmin);
  ASSERT_EQ(reply.status, 200) << reply.body;
  const JsonDoc queues = reply.Json();
  ASSERT_EQ(queues.Str("/queues/0/id"), "chat");
  EXPECT_EQ(queues.Int("/queues/0/statistics/answered"), 1) << reply.body;
  EXPECT_EQ(queues.Int("/queues/0/statistics/answered_in_service_level"), 1);
  EXPECT_EQ(queues.Int("/queues/0/statistics/service_level_seconds"), 20);
  EXPECT_EQ(queues.Int("/queues/0/statistics/service_level_percent"), 100);
  EXPECT_EQ(queues.Int("/queues/0/statistics/abandoned"), 0);
  EXPECT_EQ(queues.Int("/queues/0/statistics/wait_ms/p50"), 1000);  // answered at once: the first bucket
  EXPECT_TRUE(queues.Has("/queues/0/statistics/handle_ms/average")) << reply.body;
  EXPECT_EQ(queues.Str("/queues/1/id"), "billing");
  EXPECT_EQ(queues.Int("/queues/1/statistics/answered"), 0);
  EXPECT_FALSE(queues.Int("/queues/1/statistics/service_level_percent").has_value()) << reply.body;  // null

  EXPECT_EQ(Metric(R"(routerd_queue_answered_total{tenant="acme",queue="chat"})"), 1u);
  EXPECT_EQ(Metric(R"(routerd_queue_answered_in_service_level_total{tenant="acme",queue="chat"})"), 1u);
  EXPECT_EQ(Metric(R"(routerd_queue_answered_total{tenant="globex",queue="chat"})"), 0u);
  EXPECT_EQ(Metric(R"(routerd_queue_wait_seconds_bucket{tenant="acme",queue="chat",le="1"})"), 1u);
  EXPECT_EQ(Metric(R"(routerd_queue_wait_seconds_bucket{tenant="acme",queue="chat",le="+Inf"})"), 1u);
  EXPECT_EQ(Metric(R"(routerd_queue_wait_seconds_count{tenant="acme",queue="chat"})"), 1u);
  EXPECT_EQ(Metric(R"(routerd_queue_handle_seconds_count{tenant="acme",queue="chat"})"), 1u);
  EXPECT_EQ(Metric(R"(routerd_queue_abandoned_total{tenant="acme",queue="billing"})"), 0u);
}

}  // namespace
}  // namespace routerd::gateway_test
