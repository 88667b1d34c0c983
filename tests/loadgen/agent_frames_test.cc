// Frames as docs/agent-api.md shows them, with the load generator's markers.
#include "bench/loadgen/agent_frames.h"

#include <gtest/gtest.h>

namespace routerd::loadgen {
namespace {

constexpr std::uint32_t kRun = 0xabc;

TEST(AgentFramesTest, StateOnConnectListsSessions) {
  AgentFrameParser p(kRun);
  auto f = p.Parse(R"({"type":"state","employee_id":"10001","agent_type":"versatile","state":"ready",)"
                   R"("active_sessions":1,"effective_cap":3,"cap_origin":"ou","cap_origin_ou":"support",)"
                   R"("sessions":["16777216","16777217"]})");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->type, AgentFrame::Type::kState);
  EXPECT_EQ(f->state, "ready");
  EXPECT_EQ(f->sessions, (std::vector<std::string>{"16777216", "16777217"}));
  // The change notification has no sessions.
  auto change = p.Parse(R"({"type":"state","employee_id":"10001","state":"not_ready","active_sessions":0})");
  ASSERT_TRUE(change.ok());
  EXPECT_TRUE(change->sessions.empty());
}

TEST(AgentFramesTest, AssignedCollectsTheMarkersOfEveryMessage) {
  AgentFrameParser p(kRun);
  auto f = p.Parse(
      R"({"type":"assigned","session_id":"16777216","channel":{"kind":"web","id":"web-widget"},)"
      R"("customer":{"id":"v1","name":"Ana"},"skill_queue":"general","waited_ms":0,)"
      R"("route":{"strategy":"least_busy","effective_cap":3,"cap_origin":"ou","cap_origin_ou":"support"},)"
      R"("active_sessions":1,"messages":[)"
      R"({"id":"e1","text":"hello [lg:00000abc:5]","sent_at_ms":1,"received_at_ms":1,"attachments":[]},)"
      R"({"id":"e2","text":"again \"quoted\" [lg:00000abc:9]","sent_at_ms":2,"received_at_ms":2,"attachments":[]},)"
      R"({"id":"e3","text":"from another run [lg:00000abd:1]","sent_at_ms":3,"received_at_ms":3,"attachments":[]}]})");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->type, AgentFrame::Type::kAssigned);
  EXPECT_EQ(f->session_id, "16777216");
  EXPECT_EQ(f->seqs, (std::vector<std::uint64_t>{5, 9}));
  EXPECT_EQ(f->texts_without_marker, 1);
}

TEST(AgentFramesTest, MessageAndSessionEnded) {
  AgentFrameParser p(kRun);
  auto m = p.Parse(R"({"type":"message","session_id":"16777216","message":{"id":"e2","text":"are you there? [lg:00000abc:12]",)"
                   R"("sent_at_ms":1795250850000,"received_at_ms":1795250850004,"attachments":[]}})");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->type, AgentFrame::Type::kMessage);
  EXPECT_EQ(m->session_id, "16777216");
  EXPECT_EQ(m->seqs, (std::vector<std::uint64_t>{12}));
  auto e = p.Parse(R"({"type":"session_ended","session_id":"16777216","reason":"closed","active_sessions":0})");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->type, AgentFrame::Type::kSessionEnded);
  EXPECT_EQ(e->session_id, "16777216");
}

TEST(AgentFramesTest, AckErrorAndUnknownTypes) {
  AgentFrameParser p(kRun);
  auto ack = p.Parse(R"({"type":"ack","id":8})");
  ASSERT_TRUE(ack.ok());
  EXPECT_EQ(ack->type, AgentFrame::Type::kAck);
  EXPECT_EQ(ack->id, 8);
  auto err = p.Parse(R"({"type":"error","id":7,"error":"not_found","detail":"no such session for this agent"})");
  ASSERT_TRUE(err.ok());
  EXPECT_EQ(err->type, AgentFrame::Type::kError);
  EXPECT_EQ(err->id, 7);
  EXPECT_EQ(err->error, "not_found: no such session for this agent");
  auto other = p.Parse(R"({"type":"leave_message_allocated","message":{"id":42}})");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->type, AgentFrame::Type::kOther);
}

TEST(AgentFramesTest, MalformedFramesAreErrors) {
  AgentFrameParser p(kRun);
  EXPECT_FALSE(p.Parse("not json").ok());
  EXPECT_FALSE(p.Parse("[1,2]").ok());
  EXPECT_FALSE(p.Parse(R"({"no_type":1})").ok());
  EXPECT_FALSE(p.Parse(R"({"type":"assigned","session_id":"1"})").ok());
  EXPECT_FALSE(p.Parse(R"({"type":"message","message":{"text":"x"}})").ok());
}

}  // namespace
}  // namespace routerd::loadgen
