// Route traces of ended sessions are kept in storage for the retention time:
// GET /api/v1/sessions/{id} answers with the same hops after the router's
// in-memory copy is gone (evicted, or the daemon restarted). On SQLite and on
// PostgreSQL.
#include <gtest/gtest.h>

#include <string>

#include "tests/durability/durability_backend.h"
#include "tests/durability/durability_config.h"
#include "tests/durability/restart_fixture.h"

namespace routerd::durability {
namespace {

using gateway_test::JsonDoc;

class RouteTraceRestartTest : public RestartTest {
 protected:
  // The "hops" array of a session's answer, as text, for comparisons.
  static std::string HopsOf(const JsonDoc& json) {
    const std::string& text = json.text();
    const std::size_t at = text.find("\"hops\":[");
    if (at == std::string::npos) return {};
    return text.substr(at, text.find(']', at) + 1 - at);
  }

  // A session of customer `visitor` that a1 takes, transfers to "senior",
  // a3 takes and closes: hops entered, assigned, transferred, entered,
  // assigned, ended. Returns its id.
  std::string TransferredAndClosed(std::string_view event_id, std::string_view visitor,
                                   gateway_test::AgentConnection& a1, gateway_test::AgentConnection& a3) {
    SendWeb(event_id, visitor, "hello");
    const JsonDoc assigned = a1.NextOfType("assigned");
    const std::string sid = assigned.Str("/session_id").value_or("?");
    a1.Ack(R"("type":"transfer","session_id":")" + sid + R"(","to_queue":"senior")");
    EXPECT_EQ(a3.NextOfType("assigned").Str("/session_id"), sid);
    a3.Ack(R"("type":"close","session_id":")" + sid + "\"");
    return sid;
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, RouteTraceRestartTest, AllBackends(), BackendName);

TEST_P(RouteTraceRestartTest, AnEndedSessionsTraceIsAnsweredWithTheSameHopsAfterARestart) {
  StartDaemon();
  auto a1 = ConnectReady("a1", kA1Token);
  auto a3 = ConnectReady("a3", kA3Token);
  const std::string sid = TransferredAndClosed("t-1", "c1", *a1, *a3);

  const JsonDoc before = Admin("/api/v1/sessions/" + sid).Json();
  ASSERT_EQ(before.Str("/state"), "ended") << before.text();
  ASSERT_EQ(before.Size("/hops"), 6u) << before.text();
  EXPECT_EQ(before.Str("/hops/2/kind"), "transferred") << before.text();
  EXPECT_EQ(before.Str("/hops/4/employee_id"), "a3") << before.text();
  a1.reset();
  a3.reset();

  Restart();
  const gateway_test::HttpReply reply = Admin("/api/v1/sessions/" + sid);
  ASSERT_EQ(reply.status, 200) << reply.body;
  const JsonDoc after = reply.Json();
  EXPECT_EQ(after.Str("/state"), "ended") << after.text();
  EXPECT_EQ(after.Str("/session_id"), sid) << after.text();
  EXPECT_EQ(after.Str("/customer/id"), "c1") << after.text();
  EXPECT_GE(after.Int("/ended_ms_ago").value_or(-1), 0) << after.text();
  EXPECT_EQ(HopsOf(after), HopsOf(before));

  // A session never seen is still unknown.
  EXPECT_EQ(Admin("/api/v1/sessions/" + sid + "0").status, 404);
}

TEST_P(RouteTraceRestartTest, ATraceTheRouterNoLongerHoldsIsReadFromStorage) {
  DurabilityConfig config;
  config.ended_session_traces = 1;  // the router keeps the newest ended trace only
  StartDaemon(config);
  auto a1 = ConnectReady("a1", kA1Token);
  auto a3 = ConnectReady("a3", kA3Token);
  const std::string first = TransferredAndClosed("t-1", "c1", *a1, *a3);
  const JsonDoc first_in_memory = Admin("/api/v1/sessions/" + first).Json();
  ASSERT_EQ(first_in_memory.Size("/hops"), 6u) << first_in_memory.text();
  const std::string second = TransferredAndClosed("t-2", "c2", *a1, *a3);

  // The first one is no longer in the router: its trace comes from storage
  // once the commit that holds it is done (sync durability: the close's
  // events are committed before long; the answer names the right session).
  ASSERT_FALSE(OnRouter([&](const routing::TenantRouter& t) {
    return t.EndedSession(std::stoull(first)).has_value();
  }));
  JsonDoc stored;
  ASSERT_TRUE(WaitUntil([&] {
    stored = Admin("/api/v1/sessions/" + first).Json();
    return stored.Str("/state") == "ended";
  })) << stored.text();
  EXPECT_EQ(stored.Str("/session_id"), first);
  EXPECT_EQ(stored.Str("/customer/id"), "c1");
  EXPECT_EQ(HopsOf(stored), HopsOf(first_in_memory));
  const JsonDoc held = Admin("/api/v1/sessions/" + second).Json();
  EXPECT_EQ(held.Str("/customer/id"), "c2") << held.text();
  EXPECT_EQ(held.Size("/hops"), 6u) << held.text();
}

}  // namespace
}  // namespace routerd::durability
