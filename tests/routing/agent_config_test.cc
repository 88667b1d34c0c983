// Agents changed, added and removed while the tenant works: a changed agent
// (TenantRouter::ApplyAgentConfig) stays signed in with what it holds, is
// offered its new queues' sessions at once and the old ones' no more, and its
// cap follows its new OU; an added one (AddAgent) signs in and serves like the
// others; a removed one (RetireAgent) hands its sessions back to its queues
// and is unknown from then on, and comes back in its old place. A Reset
// (cluster mode) starts from all of it.
#include <gtest/gtest.h>

#include "engine/routing/queue_load.h"
#include "tests/routing/router_harness.h"

namespace routerd::testing {
namespace {

using routing::AgentState;
using routing::CapOrigin;
using routing::RoutingEventType;
using Assignments = std::vector<std::pair<std::string, std::string>>;

// OUs "small" (cap 1) and "large" (cap 3); queues q1 and q2 with a channel
// each; a1 in q1, a2 in q2, both in "small".
TenantBuilder TwoQueuesInTwoOus() {
  TenantBuilder b("t", 5);
  b.Ou("small", "", 1).Ou("large", "", 3);
  b.Queue("q1").Queue("q2");
  b.Agent("a1", "small", {"q1"});
  b.Agent("a2", "small", {"q2"});
  b.Channel("ch1", "q1").Channel("ch2", "q2");
  return b;
}

config::AgentConfig AgentOf(const config::TenantConfig& t, const std::string& id) {
  for (const config::AgentConfig& a : t.agents) {
    if (a.employee_id == id) return a;
  }
  ADD_FAILURE() << "no agent " << id;
  return {};
}

TEST(AgentConfigTest, AnAgentMovedToAnotherQueueServesItAtOnceAndKeepsWhatItHolds) {
  const config::TenantConfig tenant = TwoQueuesInTwoOus().Build();
  RouterHarness h(tenant);
  routing::TenantRouter& r = h.router();
  h.SignInReady("a1");
  h.Contact("ch1", "ana");  // a1, now at its OU's cap of 1
  h.Contact("ch2", "bob");  // nobody in q2 is signed in
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"ana", "a1"}}));
  const std::uint64_t held = h.SessionOf("a1");

  config::AgentConfig moved = AgentOf(tenant, "a1");
  moved.skill_queues = {"q2"};
  moved.ou = "large";
  r.ApplyAgentConfig(h.AgentIndex("a1"), moved, h.now());

  // Still signed in and ready, still holding ana; its cap is its new OU's,
  // so it has room for bob, who waited in q2.
  const auto a1 = r.Agent(h.AgentIndex("a1"));
  EXPECT_EQ(a1.state, AgentState::kReady);
  EXPECT_EQ(a1.cap.cap, 3u);
  EXPECT_EQ(a1.cap.origin, CapOrigin::kOu);
  const std::vector<routing::RoutingEvent> events = h.Take();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, RoutingEventType::kAgentState);
  EXPECT_EQ(events[0].effective_cap, 3u);
  EXPECT_EQ(events[1].type, RoutingEventType::kAssigned);
  EXPECT_EQ(events[1].contact->customer_id, "bob");
  h.Contact("ch2", "cy");
  h.Contact("ch1", "dan");  // q1 has nobody now
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"cy", "a1"}}));
  EXPECT_EQ(r.Queue(*r.FindQueue("q1")).waiting, 1u);
  // The session it held from q1 ends as usual.
  EXPECT_EQ(h.Close("a1", held), StatusCode::kOk);
  EXPECT_TRUE(h.TakeAssignments().empty()) << "a1 left q1: dan waits";

  const routing::QueueLoad q1 = routing::LoadOfQueue(r, *r.FindQueue("q1"), h.now());
  EXPECT_EQ(q1.agents_signed_in, 0u);
  const routing::QueueLoad q2 = routing::LoadOfQueue(r, *r.FindQueue("q2"), h.now());
  EXPECT_EQ(q2.agents_signed_in, 1u);
  EXPECT_EQ(q2.agents_ready, 1u);

  // Back to q1: dan is its at once.
  moved.skill_queues = {"q1", "q2"};
  r.ApplyAgentConfig(h.AgentIndex("a1"), moved, h.now());
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"dan", "a1"}}));
}

TEST(AgentConfigTest, NothingChangedIsNothingDoneAndNothingTold) {
  const config::TenantConfig tenant = TwoQueuesInTwoOus().Build();
  RouterHarness h(tenant);
  h.SignInReady("a1");
  h.Take();
  h.router().ApplyAgentConfig(h.AgentIndex("a1"), AgentOf(tenant, "a1"), h.now());
  EXPECT_TRUE(h.Take().empty());
}

TEST(AgentConfigTest, AVoiceAgentIsOfferedNoSessionAndAMultimediaOneIsAgain) {
  const config::TenantConfig tenant = TwoQueuesInTwoOus().Build();
  RouterHarness h(tenant);
  routing::TenantRouter& r = h.router();
  h.SignInReady("a1");
  h.Take();
  config::AgentConfig voice = AgentOf(tenant, "a1");
  voice.type = config::AgentType::kVoice;
  r.ApplyAgentConfig(h.AgentIndex("a1"), voice, h.now());
  EXPECT_EQ(r.Agent(h.AgentIndex("a1")).type, config::AgentType::kVoice);
  EXPECT_EQ(h.Take(RoutingEventType::kAgentState).size(), 1u);
  h.Contact("ch1", "ana");
  EXPECT_TRUE(h.TakeAssignments().empty());
  r.ApplyAgentConfig(h.AgentIndex("a1"), AgentOf(tenant, "a1"), h.now());
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"ana", "a1"}}));
}

TEST(AgentConfigTest, NewSkillsOpenTheLanesThatRequireThem) {
  TenantBuilder b("t", 5);
  b.Ou("ou");
  b.Queue("q");
  b.Agent("a1", "ou", {"q"});
  b.Channel("plain", "q").Channel("french", "q").ChannelRequires({{"fr", 2}});
  const config::TenantConfig tenant = b.Build();
  RouterHarness h(tenant);
  routing::TenantRouter& r = h.router();
  h.SignInReady("a1");
  h.Contact("french", "ana");
  EXPECT_TRUE(h.TakeAssignments().empty()) << "a1 has no French";
  config::AgentConfig skilled = AgentOf(tenant, "a1");
  skilled.skills = {{"fr", 3}};
  r.ApplyAgentConfig(h.AgentIndex("a1"), skilled, h.now());
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"ana", "a1"}}));
  EXPECT_EQ(r.Agent(h.AgentIndex("a1")).skills->size(), 1u);
  // And losing it closes them again, while the plain lane stays.
  r.ApplyAgentConfig(h.AgentIndex("a1"), AgentOf(tenant, "a1"), h.now());
  h.Contact("french", "bob");
  h.Contact("plain", "cy");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"cy", "a1"}}));
}

TEST(AgentConfigTest, SessionsReservedForAnAgentThatLeavesTheirQueueGoToAnyAgent) {
  TenantBuilder b("t", 1);
  b.Ou("ou");
  b.Queue("q", "least_busy", 3600).Sticky(0, 600);
  b.Queue("other");
  b.Agent("a1", "ou", {"q"});
  b.Agent("a2", "ou", {"q"});
  b.Channel("web", "q");
  const config::TenantConfig tenant = b.Build();
  RouterHarness h(tenant);
  routing::TenantRouter& r = h.router();
  h.SignInReady("a1");
  h.Contact("web", "ana");  // a1, at the cap of 1
  h.Take();
  auto c = std::make_shared<routerd::Contact>();
  c->customer_id = "bob";
  c->text = "hi";
  c->preferred_agent = "a1";
  r.OnContact(r.FindChannel("web").value(), std::move(c), h.now());
  EXPECT_EQ(r.Queue(0).reserved, 1u) << "bob waits for a1";
  h.SignInReady("a2");
  EXPECT_TRUE(h.TakeAssignments().empty());

  config::AgentConfig moved = AgentOf(tenant, "a1");
  moved.skill_queues = {"other"};
  r.ApplyAgentConfig(h.AgentIndex("a1"), moved, h.now());
  EXPECT_EQ(r.Queue(0).reserved, 0u);
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"bob", "a2"}}));
}

TEST(AgentConfigTest, AResetStartsFromTheChangedAgent) {
  const config::TenantConfig tenant = TwoQueuesInTwoOus().Build();
  RouterHarness h(tenant);
  routing::TenantRouter& r = h.router();
  config::AgentConfig moved = AgentOf(tenant, "a1");
  moved.skill_queues = {"q2"};
  moved.ou = "large";
  r.ApplyAgentConfig(h.AgentIndex("a1"), moved, h.now());
  r.Reset();
  h.Take();
  EXPECT_EQ(r.Agent(h.AgentIndex("a1")).cap.cap, 3u);
  h.SignInReady("a1");
  h.Contact("ch1", "ana");
  h.Contact("ch2", "bob");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"bob", "a1"}}));
}

TEST(AgentConfigTest, AnAddedAgentSignsInAndServesLikeTheOthers) {
  const config::TenantConfig tenant = TwoQueuesInTwoOus().Build();
  RouterHarness h(tenant);
  routing::TenantRouter& r = h.router();
  h.Contact("ch2", "ana");
  config::AgentConfig hired = AgentOf(tenant, "a2");
  hired.employee_id = "a9";
  hired.ou = "large";
  hired.skill_queues = {"q1", "q2"};
  const std::uint32_t a9 = r.AddAgent(hired, h.now());
  EXPECT_EQ(a9, 2u);
  EXPECT_EQ(r.agent_count(), 3u);
  EXPECT_EQ(r.FindAgent("a9"), a9);
  EXPECT_TRUE(h.Take().empty()) << "signed out: nothing happens yet";
  EXPECT_EQ(r.Agent(a9).cap.cap, 3u);
  h.SignInReady("a9");
  h.Contact("ch1", "bob");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"ana", "a9"}, {"bob", "a9"}}));
  EXPECT_EQ(routing::LoadOfQueue(r, *r.FindQueue("q1"), h.now()).agents_signed_in, 1u);
}

TEST(AgentConfigTest, ARemovedAgentsSessionsGoBackToTheirQueuesAndItIsUnknownUntilItComesBack) {
  const config::TenantConfig tenant = TwoQueuesInTwoOus().Build();
  RouterHarness h(tenant);
  routing::TenantRouter& r = h.router();
  h.SignInReady("a1");
  h.Contact("ch1", "ana");  // a1, at its cap of 1
  h.Contact("ch1", "bob");  // waits
  h.Take();
  const std::uint32_t a1 = h.AgentIndex("a1");
  r.RetireAgent(a1, h.now());
  EXPECT_TRUE(r.AgentRetired(a1));
  EXPECT_FALSE(r.FindAgent("a1"));
  const std::vector<routing::RoutingEvent> events = h.Take();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().type, RoutingEventType::kSessionEnded);
  EXPECT_EQ(events.front().end_reason, routing::EndReason::kRequeued);
  EXPECT_EQ(events.back().type, RoutingEventType::kAgentState);
  EXPECT_EQ(events.back().agent_state, AgentState::kSignedOut);
  // ana waits again, in her first turn, before bob.
  const std::vector<std::uint64_t> waiting = r.WaitingInOrder(*r.FindQueue("q1"));
  ASSERT_EQ(waiting.size(), 2u);
  EXPECT_EQ((*r.Session(waiting[0])->first)->customer_id, "ana");
  // Commands for it are refused; another agent may take the sessions.
  routing::AgentCommand sign_in;
  sign_in.type = routing::AgentCommandType::kSignIn;
  sign_in.target = a1;
  sign_in.correlation = 9;
  EXPECT_EQ(h.Run(sign_in), StatusCode::kNotFound);
  EXPECT_EQ(routing::LoadOfQueue(r, *r.FindQueue("q1"), h.now()).waiting, 2u);

  // Back: its old place, signed out, configured anew.
  config::AgentConfig back = AgentOf(tenant, "a1");
  back.skill_queues = {"q1", "q2"};
  EXPECT_EQ(r.AddAgent(back, h.now()), a1);
  EXPECT_FALSE(r.AgentRetired(a1));
  EXPECT_EQ(r.FindAgent("a1"), a1);
  EXPECT_EQ(r.Agent(a1).state, AgentState::kSignedOut);
  h.SignInReady("a1");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"ana", "a1"}}));
}

TEST(AgentConfigTest, AResetKeepsAddedAndRemovedAgents) {
  const config::TenantConfig tenant = TwoQueuesInTwoOus().Build();
  RouterHarness h(tenant);
  routing::TenantRouter& r = h.router();
  config::AgentConfig hired = AgentOf(tenant, "a2");
  hired.employee_id = "a9";
  const std::uint32_t a9 = r.AddAgent(hired, h.now());
  r.RetireAgent(h.AgentIndex("a2"), h.now());
  r.Reset();
  EXPECT_EQ(r.FindAgent("a9"), a9);
  EXPECT_FALSE(r.FindAgent("a2"));
  EXPECT_TRUE(r.AgentRetired(1));
  h.SignInReady("a9");
  h.Contact("ch2", "ana");
  EXPECT_EQ(h.TakeAssignments(), (Assignments{{"ana", "a9"}}));
}

}  // namespace
}  // namespace routerd::testing
