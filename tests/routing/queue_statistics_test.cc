// A skill queue's statistics as the router keeps them: answered (and within
// the service level, counted from entering the queue), abandoned, overflowed,
// transferred, and the wait and handle time histograms.
#include <gtest/gtest.h>

#include "engine/routing/tenant_router.h"
#include "tests/routing/router_harness.h"

namespace routerd::testing {
namespace {

using routing::AgentCommandType;
using routing::QueueStatistics;

TEST(QueueStatisticsTest, CountsEachOutcomeWhereItHappened) {
  config::TenantConfig tenant = TenantBuilder("t", 1)
                                    .IdleTimeout(600)
                                    .Ou("ou")
                                    .Queue("q", "least_busy", 100, 1000, "spill")
                                    .Queue("spill", "least_busy", 3600)
                                    .Agent("a1", "ou", {"q"})
                                    .Agent("a2", "ou", {"spill"})
                                    .Channel("web", "q")
                                    .Build();
  tenant.skill_queues[0].service_level_seconds = 30;
  RouterHarness h(tenant);
  const QueueStatistics& q = h.router().Statistics(0);
  const QueueStatistics& spill = h.router().Statistics(1);

  h.Contact("web", "fast");
  h.Advance(10 * kSecond);
  h.SignInReady("a1");  // answered after 10 s: within 30 s
  h.Contact("web", "slow");
  h.Advance(40 * kSecond);
  ASSERT_EQ(h.Close("a1", h.SessionOf("a1")), StatusCode::kOk);  // handled 40 s; slow answered after 40 s
  EXPECT_EQ(q.answered.Get(), 2u);
  EXPECT_EQ(q.answered_in_time.Get(), 1u);
  EXPECT_EQ(q.wait.count(), 2u);
  EXPECT_EQ(q.wait.sum_ms(), 50000u);
  EXPECT_EQ(q.wait.QuantileMs(0.5), 10000);
  EXPECT_EQ(q.wait.QuantileMs(1.0), 60000);  // 40 s is in the bucket up to 60 s
  EXPECT_EQ(q.handle.count(), 1u);
  EXPECT_EQ(q.handle.sum_ms(), 40000u);
  EXPECT_DOUBLE_EQ(q.ServiceLevelPercent(), 50.0);

  // Transferred on by its agent: counted where it was answered.
  routing::AgentCommand transfer;
  transfer.type = AgentCommandType::kTransfer;
  transfer.target = h.AgentIndex("a1");
  transfer.session_id = h.SessionOf("a1");
  transfer.to_queue = 1;
  transfer.correlation = 3;
  ASSERT_EQ(h.Run(transfer), StatusCode::kOk);
  EXPECT_EQ(q.transferred.Get(), 1u);
  EXPECT_EQ(spill.answered.Get(), 0u);  // it waits there: a2 is signed out

  // Waited 100 s in q (a1 resting): overflows into spill.
  ASSERT_EQ(h.Command(AgentCommandType::kNotReady, "a1"), StatusCode::kOk);
  h.Contact("web", "late");
  h.Advance(100 * kSecond);
  h.Tick();
  EXPECT_EQ(q.overflowed.Get(), 1u);
  // Silent for the idle timeout while still waiting: abandoned, in spill.
  h.Advance(600 * kSecond);
  h.Tick();
  EXPECT_EQ(spill.abandoned.Get(), 2u);
  EXPECT_EQ(q.abandoned.Get(), 0u);
  EXPECT_DOUBLE_EQ(spill.ServiceLevelPercent(), 0.0);
  EXPECT_EQ(spill.wait.QuantileMs(0.5), -1);  // nothing answered there
}

}  // namespace
}  // namespace routerd::testing
