// Restart recovery after a crash of the real executable: sessions
// that agents held when routerd was killed come back assigned to them, and the
// agents get the grace period to reconnect. Reconnecting replays the
// `assigned` frames and a `state` listing the sessions; not reconnecting signs
// the agent out and the sessions wait again at their original arrival time.
// Contacts acknowledged just before the kill exist exactly once afterwards.
// Every test runs on SQLite and on PostgreSQL (a fresh database of its own).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "tests/durability/database_probe.h"
#include "tests/durability/durability_backend.h"
#include "tests/durability/durability_config.h"
#include "tests/durability/routerd_process.h"
#include "tests/gateway/gateway_fixture.h"
#include "tests/storage/storage_test_util.h"
#include "routerd/clock.h"

namespace routerd::durability {
namespace {

using gateway_test::AgentConnection;
using gateway_test::JsonDoc;

class CrashRecoveryTest : public ::testing::TestWithParam<std::string> {
 protected:
  CrashRecoveryTest() : runner_(dir_.path()) { storage_.data_dir = dir_.path() + "/data"; }

  // The test's storage, kept across kills: the backend of the parameter, for
  // PostgreSQL a database of the test's own.
  void SetUp() override {
    const Status backend = UseBackend(GetParam(), storage_);
    ASSERT_TRUE(backend.ok()) << backend.ToString();
  }

  void Start(int grace_seconds) {
    DurabilityConfig config = storage_;
    config.grace_seconds = grace_seconds;
    config.log_level = "info";
    http_.reset();
    const Status started = runner_.Start(config);
    ASSERT_TRUE(started.ok()) << started.ToString();
    http_ = std::make_unique<gateway_test::HttpClient>(runner_.port());
  }
  void Kill() {
    http_.reset();
    runner_.Kill();
  }

  void SendWeb(std::string_view event_id, std::string_view visitor, std::string_view text) {
    const Delivery d = Deliver(*http_, WebEvent(kWebChannel, event_id, "message", visitor, text));
    EXPECT_EQ(d.status, 200) << event_id << ": " << d.body << d.error;
  }
  gateway_test::HttpReply Admin(std::string_view target) {
    auto reply = http_->Send("GET", target, {}, Bearer(kAdminToken));
    EXPECT_TRUE(reply.ok()) << target << ": " << reply.status().ToString();
    return reply.ok() ? std::move(reply).value() : gateway_test::HttpReply{};
  }
  std::optional<std::uint64_t> Metric(std::string_view sample) {
    auto reply = http_->Send("GET", "/metrics", {}, {});
    if (!reply.ok()) return std::nullopt;
    std::istringstream lines(reply->body);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.size() > sample.size() && line.compare(0, sample.size(), sample) == 0 && line[sample.size()] == ' ') {
        return std::stoull(line.substr(sample.size() + 1));
      }
    }
    return std::nullopt;
  }

  // Opens the agent's WebSocket; the first frame (its state) is left unread.
  std::unique_ptr<AgentConnection> Open(std::string_view employee, std::string_view token) {
    auto ws = std::make_unique<gateway_test::WsClient>(runner_.port());
    StatusOr<int> status = ws->Connect("/api/v1/agents/" + std::string(employee) + "/ws", token, gateway_test::kWait);
    EXPECT_TRUE(status.ok() && *status == 101) << (status.ok() ? ws->refusal_body() : status.status().ToString());
    return std::make_unique<AgentConnection>(std::move(ws), std::string(employee));
  }
  std::unique_ptr<AgentConnection> ConnectReady(std::string_view employee, std::string_view token) {
    auto agent = Open(employee, token);
    EXPECT_EQ(agent->NextOfType("state").Str("/state"), "signed_out");
    agent->Ack(R"("type":"sign_in")");
    agent->Ack(R"("type":"ready")");
    EXPECT_EQ(agent->NextOfType("state").Str("/state"), "not_ready");
    EXPECT_EQ(agent->NextOfType("state").Str("/state"), "ready");
    return agent;
  }

  std::unique_ptr<DatabaseProbe> Probe() {
    auto probe = DatabaseProbe::Open(storage_);
    EXPECT_TRUE(probe.ok()) << probe.status().ToString();
    return probe.ok() ? std::move(probe).value() : nullptr;
  }
  // Polls the database until `sql` counts `n`.
  bool WaitForCount(DatabaseProbe& probe, std::string_view sql, std::int64_t n) {
    const bool reached = WaitUntil([&] {
      auto count = probe.Count(sql);
      return count.ok() && *count == n;
    });
    EXPECT_TRUE(reached) << sql << " never counted " << n << " (last " << probe.CountOr(sql, -1) << ")";
    return reached;
  }

  // Before the crash: a1 holds two sessions, c1's with two messages, c2's with
  // one, and the journal has stored all of it (so that the kill tests the
  // recovery of assigned sessions, not of contacts still pending).
  struct Held {
    std::string s1, s2;  // c1's and c2's session ids
  };
  Held AgentHoldsTwoSessionsThenCrash() {
    Start(/*grace_seconds=*/60);
    Held held;
    auto a1 = ConnectReady("a1", kA1Token);
    SendWeb("e-1", "c1", "hello");
    const JsonDoc first = a1->NextOfType("assigned");
    held.s1 = first.Str("/session_id").value_or("?");
    EXPECT_EQ(first.Str("/customer/id"), "c1") << first.text();
    SendWeb("e-2", "c2", "hi");
    const JsonDoc second = a1->NextOfType("assigned");
    held.s2 = second.Str("/session_id").value_or("?");
    EXPECT_EQ(second.Str("/customer/id"), "c2") << second.text();
    SendWeb("e-3", "c1", "still there?");
    EXPECT_EQ(a1->NextOfType("message").Str("/session_id"), held.s1);
    auto probe = Probe();
    if (probe) {
      WaitForCount(*probe, "SELECT COUNT(*) FROM sessions WHERE employee_id = 'a1' AND ended_at_ms IS NULL", 2);
      WaitForCount(*probe, "SELECT COUNT(*) FROM contacts WHERE session_id IS NULL", 0);
    }
    Kill();
    return held;
  }

  storage::testing::TempDir dir_;
  DurabilityConfig storage_;  // data_dir, backend and url
  RouterdRunner runner_;
  std::unique_ptr<gateway_test::HttpClient> http_;
};

INSTANTIATE_TEST_SUITE_P(Backends, CrashRecoveryTest, AllBackends(), BackendName);

TEST_P(CrashRecoveryTest, AssignedSessionsGoBackToTheirAgentWhoReconnectsWithinTheGracePeriod) {
  const Held held = AgentHoldsTwoSessionsThenCrash();
  ASSERT_FALSE(HasFatalFailure());
  Start(/*grace_seconds=*/60);
  // The start-up summary follows the listener's start: poll for it.
  EXPECT_TRUE(WaitUntil([&] {
    return runner_.process().Stdout().find("restored 0 waiting and 2 assigned session(s)") != std::string::npos;
  })) << runner_.process().Output();

  // Before the agent is back: its sessions are its own, it rests.
  const JsonDoc s1 = Admin("/api/v1/sessions/" + held.s1).Json();
  EXPECT_EQ(s1.Str("/state"), "assigned") << s1.text();
  EXPECT_EQ(s1.Str("/employee_id"), "a1") << s1.text();
  EXPECT_EQ(s1.Int("/messages_count"), 2) << s1.text();
  EXPECT_EQ(s1.Str("/messages/1/text"), "still there?") << s1.text();
  const JsonDoc state = Admin("/api/v1/agents/a1/state").Json();
  EXPECT_EQ(state.Str("/state"), "not_ready") << state.text();
  EXPECT_EQ(state.Int("/active_sessions"), 2) << state.text();
  EXPECT_EQ(Admin("/api/v1/queues").Json().Int("/queues/0/waiting"), 0);

  // It reconnects: the assignments are replayed, then its state lists them.
  auto a1 = Open("a1", kA1Token);
  const JsonDoc replay1 = a1->NextOfType("assigned");
  EXPECT_EQ(replay1.Str("/session_id"), held.s1) << replay1.text();
  EXPECT_EQ(replay1.Str("/customer/id"), "c1") << replay1.text();
  ASSERT_EQ(replay1.Size("/messages"), 2u) << replay1.text();
  EXPECT_EQ(replay1.Str("/messages/0/text"), "hello");
  EXPECT_EQ(replay1.Str("/messages/1/text"), "still there?");
  const JsonDoc replay2 = a1->NextOfType("assigned");
  EXPECT_EQ(replay2.Str("/session_id"), held.s2) << replay2.text();
  EXPECT_EQ(replay2.Str("/messages/0/text"), "hi") << replay2.text();
  JsonDoc now = a1->NextOfType("state");
  while (now.ok() && !now.Has("/sessions")) now = a1->NextOfType("state");  // change notifications first
  EXPECT_EQ(now.Str("/state"), "not_ready") << now.text();
  EXPECT_EQ(now.Int("/active_sessions"), 2) << now.text();
  ASSERT_EQ(now.Size("/sessions"), 2u) << now.text();
  const std::set<std::string> listed = {now.Str("/sessions/0").value_or("?"), now.Str("/sessions/1").value_or("?")};
  EXPECT_EQ(listed, (std::set<std::string>{held.s1, held.s2})) << now.text();

  // Business as usual: a message for c1 reaches it, it goes ready and gets a
  // new customer under a new session id, and closes a restored session.
  SendWeb("e-4", "c1", "back?");
  const JsonDoc message = a1->NextOfType("message");
  EXPECT_EQ(message.Str("/session_id"), held.s1) << message.text();
  EXPECT_EQ(message.Str("/message/text"), "back?");
  a1->Ack(R"("type":"ready")");
  SendWeb("e-5", "c3", "new here");
  const JsonDoc fresh = a1->NextOfType("assigned");
  EXPECT_EQ(fresh.Str("/customer/id"), "c3") << fresh.text();
  EXPECT_GT(std::stoull(fresh.Str("/session_id").value_or("0")), std::stoull(held.s2));
  a1->Ack(R"("type":"close","session_id":")" + held.s2 + "\"");
  EXPECT_EQ(a1->NextOfType("session_ended").Str("/session_id"), held.s2);
  EXPECT_EQ(Metric("routerd_agent_grace_sign_outs_total"), 0u);
  a1.reset();
  EXPECT_EQ(runner_.Terminate(), 0) << runner_.process().Output();
}

TEST_P(CrashRecoveryTest, AnAgentWhoDoesNotReturnIsSignedOutAndItsSessionsWaitFromTheirOriginalArrival) {
  const Held held = AgentHoldsTwoSessionsThenCrash();
  ASSERT_FALSE(HasFatalFailure());
  auto probe = Probe();
  ASSERT_NE(probe, nullptr);
  auto stored = probe->Sessions();
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 2u);
  std::map<std::string, std::int64_t> arrival;  // session id -> arrival_ms
  for (const SessionRow& s : *stored) arrival[std::to_string(s.session_id)] = s.arrival_ms;

  const std::int64_t restarted_ms = SystemClock().WallMs();
  Start(/*grace_seconds=*/1);
  // Nobody reconnects: after the grace period a1 is signed out and both
  // sessions wait in their queue again.
  ASSERT_TRUE(WaitUntil([&] { return Admin("/api/v1/queues").Json().Int("/queues/0/waiting") == 2; }))
      << Admin("/api/v1/queues").body;
  const JsonDoc state = Admin("/api/v1/agents/a1/state").Json();
  EXPECT_EQ(state.Str("/state"), "signed_out") << state.text();
  EXPECT_EQ(state.Int("/active_sessions"), 0) << state.text();
  EXPECT_EQ(Metric("routerd_agent_grace_sign_outs_total"), 1u);
  for (const std::string& id : {held.s1, held.s2}) {
    const std::int64_t t0 = SystemClock().WallMs();
    const JsonDoc s = Admin("/api/v1/sessions/" + id).Json();
    const std::int64_t t1 = SystemClock().WallMs();
    EXPECT_EQ(s.Str("/state"), "waiting") << s.text();
    // Its age counts from the original arrival; its time in the queue from
    // the requeue, after the restart.
    const std::int64_t age_ms = s.Int("/age_ms").value_or(-1);
    EXPECT_GE(age_ms, t0 - arrival[id] - 2) << s.text();
    EXPECT_LE(age_ms, t1 - arrival[id] + 2) << s.text();
    EXPECT_GE(age_ms, restarted_ms - arrival[id]) << s.text();
    const std::int64_t waiting_ms = s.Int("/waiting_ms").value_or(-1);
    EXPECT_GE(waiting_ms, 0) << s.text();
    EXPECT_LE(waiting_ms, t1 - restarted_ms + 2) << s.text();
  }
  EXPECT_EQ(Admin("/api/v1/sessions/" + held.s1).Json().Int("/messages_count"), 2);
  // The requeue is journaled too.
  WaitForCount(*probe, "SELECT COUNT(*) FROM sessions WHERE employee_id IS NULL AND ended_at_ms IS NULL", 2);

  // Another agent takes them in their original order.
  auto a2 = ConnectReady("a2", kA2Token);
  const JsonDoc first = a2->NextOfType("assigned");
  EXPECT_EQ(first.Str("/session_id"), held.s1) << first.text();
  ASSERT_EQ(first.Size("/messages"), 2u) << first.text();
  EXPECT_EQ(first.Str("/messages/1/text"), "still there?");
  EXPECT_GE(first.Int("/waited_ms").value_or(-1), restarted_ms - arrival[held.s1]) << first.text();
  const JsonDoc second = a2->NextOfType("assigned");
  EXPECT_EQ(second.Str("/session_id"), held.s2) << second.text();
  a2.reset();
  EXPECT_EQ(runner_.Terminate(), 0) << runner_.process().Output();
}

TEST_P(CrashRecoveryTest, ContactsAcknowledgedJustBeforeAKillExistExactlyOnceAfterIt) {
  Start(/*grace_seconds=*/60);
  // 30 customers, ten of whom write twice; killed right after the last 2xx,
  // while the router and the journal may still be busy with them.
  std::vector<std::pair<std::string, std::string>> sent;  // event id, customer
  for (int i = 0; i < 40; ++i) {
    const std::string customer = "k" + std::to_string(i % 30);
    sent.emplace_back("ack-" + std::to_string(i), customer);
    SendWeb(sent.back().first, customer, "text " + std::to_string(i));
  }
  Kill();

  Start(/*grace_seconds=*/60);
  auto probe = Probe();
  ASSERT_NE(probe, nullptr);
  EXPECT_EQ(probe->CountOr("SELECT COUNT(*) FROM contacts", -1), 40);
  // Each customer's first message opens a session; a second one joins it
  // while it waits. Whatever the kill left unbound (pending) in the journal
  // is routed again at the start and bound to its customer's session.
  WaitForCount(*probe, "SELECT COUNT(*) FROM sessions WHERE ended_at_ms IS NULL", 30);
  WaitForCount(*probe, "SELECT COUNT(*) FROM contacts WHERE session_id IS NULL", 0);
  EXPECT_EQ(Admin("/api/v1/queues").Json().Int("/queues/0/waiting"), 30);
  // The providers did not hear back in time for some: they retry them all.
  for (const auto& [event_id, customer] : sent) SendWeb(event_id, customer, "retry");
  EXPECT_EQ(Metric("routerd_webhook_duplicates_total{kind=\"web\"}"), 40u);
  EXPECT_EQ(Metric("routerd_webhook_contacts_accepted_total{kind=\"web\"}"), 0u);
  EXPECT_EQ(Admin("/api/v1/queues").Json().Int("/queues/0/waiting"), 30);
  auto sessions = probe->Sessions();
  ASSERT_TRUE(sessions.ok());
  EXPECT_EQ(sessions->size(), 30u);
  for (const SessionRow& s : *sessions) {
    const JsonDoc json = Admin("/api/v1/sessions/" + std::to_string(s.session_id)).Json();
    const int index = std::stoi(s.customer_id.substr(1));
    EXPECT_EQ(json.Int("/messages_count"), index < 10 ? 2 : 1) << json.text();
    EXPECT_EQ(json.Str("/messages/0/text"), "text " + std::to_string(index)) << json.text();
  }
  EXPECT_EQ(runner_.Terminate(), 0) << runner_.process().Output();
}

}  // namespace
}  // namespace routerd::durability
