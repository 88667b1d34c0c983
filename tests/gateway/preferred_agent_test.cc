// Preferred agents end to end: the web widget names one, a transfer names one
// to wait for; the session's route and its preferred_agent say what happened.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/gateway/gateway_fixture.h"

namespace routerd::gateway_test {
namespace {

using PreferredAgentTest = GatewayTest;

TEST_F(PreferredAgentTest, TheWidgetNamesAnAgentAndATransferWaitsForOne) {
  GatewayConfig config;
  config.a1_cap = 1;
  StartDaemon(config);
  auto a1 = ConnectReady("a1", kA1Token);
  auto a2 = ConnectReady("a2", kA2Token);

  // Without a preference a1 (first in configuration order) would take it.
  DeliverWebEvent(kAcmeWeb, R"({"event_id":"p-1","type":"message","visitor":{"id":"cust-1"},"text":"hi",)"
                            R"("sent_at":1718000000123,"preferred_agent":"a2"})");
  const std::string sid = a2->NextOfType("assigned").Str("/session_id").value_or("?");
  HttpReply reply = Api("GET", "/api/v1/sessions/" + sid, kAcmeAdmin);
  ASSERT_EQ(reply.status, 200) << reply.body;
  {
    const JsonDoc s = reply.Json();
    SCOPED_TRACE(reply.body);
    EXPECT_EQ(s.Str("/route/preference"), "contact");
    EXPECT_EQ(s.Str("/route/preference_outcome"), "served");
    EXPECT_EQ(s.Str("/preferred_agent/source"), "contact");
    EXPECT_EQ(s.Str("/preferred_agent/employee_id"), "a2");
  }

  // a1 becomes full; the admin moves cust-1 to chat, waiting for a1.
  DeliverWeb(kAcmeWeb, "cust-2", "Bo", "hello");
  const std::string a1_sid = a1->NextOfType("assigned").Str("/session_id").value_or("?");
  reply = Api("POST", "/api/v1/sessions/" + sid + "/transfer", kAcmeAdmin,
              R"({"to_queue":"chat","preferred_agent":"a1"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(a2->NextOfType("session_ended").Str("/reason"), "transferred");
  reply = Api("GET", "/api/v1/sessions/" + sid, kAcmeAdmin);
  {
    const JsonDoc s = reply.Json();
    SCOPED_TRACE(reply.body);
    EXPECT_EQ(s.Str("/state"), "waiting");
    EXPECT_EQ(s.Str("/preferred_agent/source"), "transfer");
    EXPECT_EQ(s.Str("/preferred_agent/employee_id"), "a1");
    EXPECT_EQ(s.Str("/preferred_agent/outcome"), "pending");
    EXPECT_EQ(s.Bool("/preferred_agent/reserved"), true);
  }
  // a2 has room but it waits for a1, which takes it once it frees up.
  a1->Ack(R"("type":"close","session_id":")" + a1_sid + R"(")");
  const JsonDoc assigned = a1->NextOfType("assigned");
  EXPECT_EQ(assigned.Str("/session_id"), sid) << assigned.text();
  reply = Api("GET", "/api/v1/sessions/" + sid, kAcmeAdmin);
  EXPECT_EQ(reply.Json().Str("/route/preference"), "transfer") << reply.body;
  EXPECT_EQ(reply.Json().Str("/route/preference_outcome"), "served") << reply.body;

  // Refusals name the field.
  reply = Api("POST", "/api/v1/sessions/" + sid + "/transfer", kAcmeAdmin,
              R"({"to_agent":"a2","preferred_agent":"a1"})");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body, R"x({"error":"bad_request","detail":"preferred_agent goes with to_queue (to_agent hands the session over at once)"})x");
  reply = Api("POST", "/api/v1/sessions/" + sid + "/transfer", kAcmeAdmin,
              R"({"to_queue":"chat","preferred_agent":"ghost"})");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.body, R"({"error":"not_found","detail":"preferred_agent: no such agent"})");

  // Once closed, its whole way is still there.
  a1->Ack(R"("type":"close","session_id":")" + sid + R"(")");
  reply = Api("GET", "/api/v1/sessions/" + sid, kAcmeAdmin);
  ASSERT_EQ(reply.status, 200) << reply.body;
  const JsonDoc ended = reply.Json();
  SCOPED_TRACE(reply.body);
  EXPECT_EQ(ended.Str("/state"), "ended");
  const std::vector<std::string> kinds = {"entered",     "assigned",          "transferred", "entered",
                                          "waiting_for_agent", "assigned", "ended"};
  ASSERT_EQ(ended.Size("/hops"), kinds.size());
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    EXPECT_EQ(ended.Str("/hops/" + std::to_string(i) + "/kind"), kinds[i]) << i;
  }
  EXPECT_EQ(ended.Str("/hops/1/employee_id"), "a2");
  EXPECT_EQ(ended.Str("/hops/2/employee_id"), "a2");
  EXPECT_EQ(ended.Str("/hops/4/employee_id"), "a1");
  EXPECT_EQ(ended.Str("/hops/4/source"), "transfer");
  EXPECT_EQ(ended.Str("/hops/5/employee_id"), "a1");
  EXPECT_EQ(ended.Str("/hops/6/reason"), "closed");
}

}  // namespace
}  // namespace routerd::gateway_test
