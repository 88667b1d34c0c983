// Per-channel-kind access: an agent's sessions counted per channel kind, each
// kind against a cap of its own (agent > OU > tenant, each level's cap for the
// kind before its cap for every kind), while unified access keeps one cap.
#include <gtest/gtest.h>

#include "tests/routing/router_harness.h"

namespace routerd::testing {
namespace {

using routing::AgentCommandType;
using routing::CapOrigin;
using routing::RoutingEventType;

// One queue fed by an email and a web channel; the tenant caps email at 1
// and every other kind at 2.
config::TenantConfig TwoKinds(int wrap_up_seconds = 0) {
  TenantBuilder b("t", 2);
  b.PerChannelKind({{"email", 1, 0}});
  b.Ou("root");
  b.Queue("q").WrapUp(wrap_up_seconds);
  b.Agent("a1", "root", {"q"});
  b.Channel("mail", "q", "email").Channel("chat", "q", "web");
  return b.Build();
}

std::uint32_t KindIndex(routing::TenantRouter& r, std::string_view kind) {
  for (std::uint32_t k = 0; k < r.kind_count(); ++k) {
    if (r.KindName(k) == kind) return k;
  }
  ADD_FAILURE() << "no kind " << kind;
  return 0;
}

TEST(ChannelKindCapsTest, EachKindFillsItsOwnCap) {
  RouterHarness h(TwoKinds());
  h.SignInReady("a1");
  h.Take();
  h.Contact("mail", "m1");
  h.Contact("mail", "m2");  // email is full: waits although the agent has room for web
  h.Contact("chat", "w1");
  h.Contact("chat", "w2");
  h.Contact("chat", "w3");  // web is full too
  EXPECT_EQ(h.TakeAssignments(), (std::vector<std::pair<std::string, std::string>>{
                                     {"m1", "a1"}, {"w1", "a1"}, {"w2", "a1"}}));
  routing::TenantRouter& r = h.router();
  EXPECT_EQ(r.Queue(0).waiting, 2u);
  const auto view = r.Agent(h.AgentIndex("a1"));
  ASSERT_EQ(view.kinds.size(), 2u);
  const auto& email = view.kinds[KindIndex(r, "email")];
  const auto& web = view.kinds[KindIndex(r, "web")];
  EXPECT_EQ(email.load, 1u);
  EXPECT_EQ(email.cap.cap, 1u);
  EXPECT_EQ(email.cap.origin, CapOrigin::kTenant);
  EXPECT_EQ(web.load, 2u);
  EXPECT_EQ(web.cap.cap, 2u);

  // Closing the email session serves the waiting email, not the waiting web.
  ASSERT_EQ(h.Close("a1", h.SessionOf("a1", 0)), StatusCode::kOk);
  EXPECT_EQ(h.TakeAssignments(), (std::vector<std::pair<std::string, std::string>>{{"m2", "a1"}}));
  EXPECT_EQ(r.Queue(0).waiting, 1u);
}

TEST(ChannelKindCapsTest, TheAssignmentNamesTheCapOfItsKind) {
  RouterHarness h(TwoKinds());
  h.SignInReady("a1");
  h.Take();
  h.Contact("mail", "m1");
  auto assigned = h.Take(RoutingEventType::kAssigned);
  ASSERT_EQ(assigned.size(), 1u);
  EXPECT_EQ(assigned[0].effective_cap, 1u);
  EXPECT_EQ(assigned[0].cap_origin, CapOrigin::kTenant);
  const auto session = h.router().Session(assigned[0].session_id);
  ASSERT_TRUE(session.has_value());
  EXPECT_EQ(session->trace->cap.cap, 1u);
}

TEST(ChannelKindCapsTest, LevelsResolveInOrderAndRunTimeCapsApplyToKindsWithoutTheirOwn) {
  TenantBuilder b("t", 5);
  b.PerChannelKind({{"web", 4, 0}});
  b.Ou("root", "", 3).OuKindCaps({{"email", 2, 0}});
  b.Ou("desk", "root");
  b.Queue("q");
  b.Agent("a1", "desk", {"q"}).AgentKindCaps({{"web", 6, 0}});
  b.Agent("a2", "desk", {"q"});
  b.Channel("mail", "q", "email").Channel("chat", "q", "web").Channel("line", "q", "line");
  RouterHarness h(b.Build());
  routing::TenantRouter& r = h.router();
  auto cap = [&](const std::string& agent, std::string_view kind) {
    return r.Agent(h.AgentIndex(agent)).kinds[KindIndex(r, kind)].cap;
  };
  // a1: its own web cap; the OU's email cap; for line the OU's cap for every kind.
  EXPECT_EQ(cap("a1", "web").cap, 6u);
  EXPECT_EQ(cap("a1", "web").origin, CapOrigin::kAgent);
  EXPECT_EQ(cap("a1", "email").cap, 2u);
  EXPECT_EQ(cap("a1", "email").origin, CapOrigin::kOu);
  EXPECT_EQ(cap("a1", "email").ou, *r.FindOu("root"));
  EXPECT_EQ(cap("a1", "line").cap, 3u);
  // a2: the OU's cap for every kind comes before the tenant's web cap.
  EXPECT_EQ(cap("a2", "web").cap, 3u);
  EXPECT_EQ(cap("a2", "web").origin, CapOrigin::kOu);

  // An agent cap set at run time caps every kind the agent sets none for.
  ASSERT_EQ(h.Command(AgentCommandType::kSetAgentCap, "a1", 1), StatusCode::kOk);
  EXPECT_EQ(cap("a1", "web").cap, 6u);
  EXPECT_EQ(cap("a1", "email").cap, 1u);
  EXPECT_EQ(cap("a1", "email").origin, CapOrigin::kAgent);
  EXPECT_EQ(cap("a1", "line").cap, 1u);
  // Without the OU's cap for every kind, line falls to the tenant's 5.
  ASSERT_EQ(h.SetOuCap("root", std::nullopt), StatusCode::kOk);
  EXPECT_EQ(cap("a2", "line").cap, 5u);
  EXPECT_EQ(cap("a2", "line").origin, CapOrigin::kTenant);
  EXPECT_EQ(cap("a2", "web").cap, 4u);
  EXPECT_EQ(cap("a2", "email").cap, 2u);
}

TEST(ChannelKindCapsTest, AfterContactWorkHoldsAUnitOfItsKind) {
  RouterHarness h(TwoKinds(/*wrap_up_seconds=*/30));
  h.SignInReady("a1");
  h.Contact("mail", "m1");
  h.Take();
  ASSERT_EQ(h.Close("a1", h.SessionOf("a1", 0)), StatusCode::kOk);
  h.Take();
  h.Contact("mail", "m2");  // email's unit is still in after-contact work
  h.Contact("chat", "w1");
  EXPECT_EQ(h.TakeAssignments(), (std::vector<std::pair<std::string, std::string>>{{"w1", "a1"}}));
  h.Advance(31 * kSecond);
  h.Tick();
  EXPECT_EQ(h.TakeAssignments(), (std::vector<std::pair<std::string, std::string>>{{"m2", "a1"}}));
}

TEST(ChannelKindCapsTest, ATransferNeedsRoomInTheSessionsKind) {
  TenantBuilder b("t", 2);
  b.PerChannelKind({{"email", 1, 0}});
  b.Ou("root");
  b.Queue("q");
  b.Agent("a1", "root", {"q"}).Agent("a2", "root", {"q"});
  b.Channel("mail", "q", "email").Channel("chat", "q", "web");
  RouterHarness h(b.Build());
  h.SignInReady("a1");
  h.Contact("mail", "m1");  // a1
  h.SignInReady("a2");
  h.Contact("mail", "m2");  // a2: least busy
  h.Take();
  routing::AgentCommand c;
  c.type = AgentCommandType::kTransfer;
  c.target = h.AgentIndex("a1");
  c.session_id = h.SessionOf("a1");
  c.to_agent = h.AgentIndex("a2");
  c.correlation = 77;
  EXPECT_EQ(h.Run(c), StatusCode::kFailedPrecondition);  // a2 has web room only
  h.Take();
  h.Contact("chat", "w1");
  h.Take();
  const std::string web_holder = h.Active("a1") == 2 ? "a1" : "a2";
  const std::string other = web_holder == "a1" ? "a2" : "a1";
  std::uint64_t web_session = 0;
  for (std::uint32_t slot : h.router().Agent(h.AgentIndex(web_holder)).session_slots) {
    const auto s = h.router().SessionAtSlot(slot);
    if (h.router().ChannelKind(s.channel) == KindIndex(h.router(), "web")) web_session = s.id;
  }
  c.target = h.AgentIndex(web_holder);
  c.session_id = web_session;
  c.to_agent = h.AgentIndex(other);
  c.correlation = 78;
  EXPECT_EQ(h.Run(c), StatusCode::kOk);  // web has room at the other agent
}

TEST(ChannelKindCapsTest, AnAgentHoldsAtMostSixtyUnitsInAll) {
  TenantBuilder b("t", 60);
  b.PerChannelKind();
  b.Ou("root");
  b.Queue("q", "least_busy", 60, 1000);
  b.Agent("a1", "root", {"q"});
  b.Channel("mail", "q", "email").Channel("chat", "q", "web");
  RouterHarness h(b.Build());
  h.SignInReady("a1");
  for (int i = 0; i < 60; ++i) h.Contact("mail", "m" + std::to_string(i));
  h.Contact("chat", "w1");  // web's cap is 60 too, but the agent holds 60 already
  EXPECT_EQ(h.Active("a1"), 60u);
  EXPECT_EQ(h.router().Queue(0).waiting, 1u);
  EXPECT_EQ(h.router().Queue(0).eligible_agents, 0u);
}

TEST(ChannelKindCapsTest, UnifiedAccessHasNoKinds) {
  TenantBuilder b("t", 1);
  b.Ou("root");
  b.Queue("q");
  b.Agent("a1", "root", {"q"});
  b.Channel("mail", "q", "email").Channel("chat", "q", "web");
  RouterHarness h(b.Build());
  EXPECT_EQ(h.router().kind_count(), 0u);
  h.SignInReady("a1");
  h.Contact("mail", "m1");
  h.Contact("chat", "w1");  // one cap across every channel: waits
  EXPECT_TRUE(h.router().Agent(h.AgentIndex("a1")).kinds.empty());
  EXPECT_EQ(h.Active("a1"), 1u);
  EXPECT_EQ(h.router().Queue(0).waiting, 1u);
}

}  // namespace
}  // namespace routerd::testing
