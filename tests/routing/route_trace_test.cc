// The full route trace: every hop of a session with its time, while it is
// open and after it ended, within the configured count and time.
#include <gtest/gtest.h>

#include "engine/routing/tenant_router.h"
#include "tests/routing/router_harness.h"

namespace routerd::testing {
namespace {

using routing::AgentCommandType;
using Kind = routing::HopKind;

config::TenantConfig FrontOverflowingToBack() {
  return TenantBuilder("t", 1)
      .Ou("ou")
      .Queue("front", "least_busy", 10, 100, "back")
      .Queue("back", "least_busy", 3600)
      .Agent("a1", "ou", {"back"})
      .Agent("a2", "ou", {"back"})
      .Channel("web", "front")
      .Build();
}

std::vector<Kind> Kinds(const std::vector<routing::RouteHop>& hops) {
  std::vector<Kind> out;
  for (const auto& h : hops) out.push_back(h.kind);
  return out;
}

TEST(RouteTraceTest, AnAssignedAndClosedSessionHasThreeHops) {
  auto tenant = FrontOverflowingToBack();
  tenant.channels[0].skill_queue = "back";
  RouterHarness direct(tenant);
  direct.SignInReady("a1");
  direct.Contact("web", "ana");
  const std::uint64_t sid = direct.SessionOf("a1");
  direct.Advance(5 * kSecond);
  ASSERT_EQ(direct.Close("a1", sid), StatusCode::kOk);
  const auto hops = direct.router().RouteOf(sid);
  ASSERT_TRUE(hops.has_value());
  EXPECT_EQ(Kinds(*hops), (std::vector<Kind>{Kind::kEntered, Kind::kAssigned, Kind::kEnded}));
  EXPECT_EQ((*hops)[2].at_ns - (*hops)[0].at_ns, 5 * kSecond);
  EXPECT_EQ(direct.router().QueueId((*hops)[1].queue), "back");
  EXPECT_EQ(direct.router().Agent((*hops)[2].agent).employee_id, "a1");
  EXPECT_FALSE(direct.router().Session(sid).has_value());
  EXPECT_TRUE(direct.router().EndedSession(sid).has_value());
}

TEST(RouteTraceTest, OverflowTransferAndRequeueAreEachAHop) {
  RouterHarness h(FrontOverflowingToBack());
  h.Contact("web", "ana");  // waits in front: nobody serves it
  const std::uint64_t sid = h.router().WaitingInOrder(0).at(0);
  h.Advance(10 * kSecond);
  h.Tick();  // overflows to back
  h.SignInReady("a1");  // takes it
  h.SignInReady("a2");
  routing::AgentCommand c;
  c.type = AgentCommandType::kTransfer;
  c.target = h.AgentIndex("a1");
  c.session_id = sid;
  c.to_agent = h.AgentIndex("a2");
  c.correlation = 3;
  ASSERT_EQ(h.Run(c), StatusCode::kOk);
  ASSERT_EQ(h.Command(AgentCommandType::kSignOut, "a2"), StatusCode::kOk);  // requeued: a1 takes it back
  ASSERT_EQ(h.Close("a1", sid), StatusCode::kOk);
  const auto hops = h.router().RouteOf(sid);
  ASSERT_TRUE(hops.has_value());
  EXPECT_EQ(Kinds(*hops), (std::vector<Kind>{Kind::kEntered, Kind::kOverflowed, Kind::kEntered, Kind::kAssigned,
                                             Kind::kTransferred, Kind::kAssigned, Kind::kRequeued, Kind::kEntered,
                                             Kind::kAssigned, Kind::kEnded}));
  EXPECT_EQ((*hops)[1].detail, static_cast<std::uint8_t>(routing::LeaveReason::kMaxWait));
  EXPECT_EQ((*hops)[1].at_ns - (*hops)[0].at_ns, 10 * kSecond);
  EXPECT_EQ((*hops)[5].detail, 1) << "assigned by the transfer";
  EXPECT_EQ(h.router().Agent((*hops)[6].agent).employee_id, "a2");
}

TEST(RouteTraceTest, ALeaveMessageKeepsItsTrace) {
  auto tenant = FrontOverflowingToBack();
  tenant.skill_queues[1].max_wait_seconds = 5;
  RouterHarness h(tenant);
  h.Contact("web", "ana");
  const std::uint64_t sid = h.router().WaitingInOrder(0).at(0);
  h.Advance(10 * kSecond);
  h.Tick();
  h.Advance(5 * kSecond);
  h.Tick();
  const auto hops = h.router().RouteOf(sid);
  ASSERT_TRUE(hops.has_value());
  EXPECT_EQ(Kinds(*hops), (std::vector<Kind>{Kind::kEntered, Kind::kOverflowed, Kind::kEntered, Kind::kOverflowed,
                                             Kind::kLeaveMessage}));
}

TEST(RouteTraceTest, EndedTracesAreKeptUpToTheLimitAndTheRetention) {
  auto tenant = FrontOverflowingToBack();
  tenant.channels[0].skill_queue = "back";
  routing::TenantRouterOptions options;
  options.ended_trace_limit = 2;
  options.ended_trace_retention_ns = 60 * kSecond;
  RouterHarness h(tenant, options);
  h.SignInReady("a1");
  std::vector<std::uint64_t> ids;
  for (const char* customer : {"c1", "c2", "c3"}) {
    h.Contact("web", customer);
    ids.push_back(h.SessionOf("a1"));
    ASSERT_EQ(h.Close("a1", ids.back()), StatusCode::kOk);
  }
  EXPECT_FALSE(h.router().RouteOf(ids[0]).has_value()) << "the oldest went when the third ended";
  EXPECT_TRUE(h.router().RouteOf(ids[1]).has_value());
  EXPECT_TRUE(h.router().RouteOf(ids[2]).has_value());
  h.Advance(61 * kSecond);
  h.Tick();
  EXPECT_FALSE(h.router().RouteOf(ids[1]).has_value());
  EXPECT_FALSE(h.router().RouteOf(ids[2]).has_value());
}

}  // namespace
}  // namespace routerd::testing
