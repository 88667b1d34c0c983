// What the session journal stores for each routing event: the events a
// restart needs, and the route trace of every session that leaves the router
// (ended, or become a leave message), kept for the retention time.
#include <gtest/gtest.h>

#include <simdjson.h>

#include <string>
#include <variant>
#include <vector>

#include "engine/daemon/session_journal.h"
#include "engine/gateway/gateway_json.h"
#include "routerd/clock.h"
#include "tests/routing/router_harness.h"

namespace routerd::daemon {
namespace {

using testing::kSecond;
using testing::RouterHarness;
using testing::TenantBuilder;

config::TenantConfig TwoQueues() {
  return TenantBuilder("t", 1)
      .Ou("ou")
      .Queue("front", "least_busy", 10, 1)
      .Queue("back", "least_busy", 3600)
      .Agent("a1", "ou", {"front", "back"})
      .Agent("a2", "ou", {"back"})
      .Channel("web", "front")
      .Build();
}

std::vector<storage::SessionEvent> Journal(RouterHarness& h) {
  SystemClock clock;
  std::int64_t now_ms = 0;
  std::vector<storage::SessionEvent> out;
  for (const routing::RoutingEvent& e : h.Take()) AppendStorageEvent(e, clock, now_ms, out);
  return out;
}

template <typename T>
std::vector<const T*> Of(const std::vector<storage::SessionEvent>& events) {
  std::vector<const T*> out;
  for (const auto& e : events) {
    if (const T* t = std::get_if<T>(&e)) out.push_back(t);
  }
  return out;
}

// The number of hops of a stored trace, or -1 when it is not the JSON
// object the API answers with.
std::int64_t HopCount(const std::string& trace, std::uint64_t session_id) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(trace).get(root) != simdjson::SUCCESS) return -1;
  std::string_view id, state;
  simdjson::dom::array hops;
  if (root["session_id"].get(id) != simdjson::SUCCESS || id != std::to_string(session_id)) return -1;
  if (root["state"].get(state) != simdjson::SUCCESS || state != "ended") return -1;
  if (root["hops"].get(hops) != simdjson::SUCCESS) return -1;
  return static_cast<std::int64_t>(hops.size());
}

TEST(SessionJournalTest, AClosedSessionIsStoredEndedWithItsTrace) {
  RouterHarness h(TwoQueues());
  h.SignInReady("a1");
  h.Contact("web", "ana");
  const std::uint64_t sid = h.SessionOf("a1");
  h.Take();
  h.Advance(5 * kSecond);
  ASSERT_EQ(h.Close("a1", sid), StatusCode::kOk);
  const auto events = Journal(h);
  ASSERT_EQ(Of<storage::SessionEnded>(events).size(), 1u);
  const auto traces = Of<storage::SessionTraceKept>(events);
  ASSERT_EQ(traces.size(), 1u);
  EXPECT_EQ(traces[0]->tenant_id, "t");
  EXPECT_EQ(traces[0]->session_id, sid);
  EXPECT_EQ(HopCount(traces[0]->trace, sid), 3) << traces[0]->trace;  // entered, assigned, ended
  // Exactly what the API answers from memory, so both answers agree.
  EXPECT_EQ(traces[0]->trace, gateway::EndedSessionTrace(h.router(), sid).value());
  // Stored after the end it belongs to.
  EXPECT_TRUE(std::holds_alternative<storage::SessionTraceKept>(events.back()));
}

TEST(SessionJournalTest, ATransferredSessionIsRequeuedWithoutATrace) {
  RouterHarness h(TwoQueues());
  h.SignInReady("a1");
  h.SignInReady("a2");
  h.Contact("web", "ana");
  const std::uint64_t sid = h.SessionOf("a1");
  h.Take();
  routing::AgentCommand c;
  c.type = routing::AgentCommandType::kTransfer;
  c.target = h.AgentIndex("a1");
  c.session_id = sid;
  c.to_queue = h.router().FindQueue("back").value();
  c.correlation = 99;
  ASSERT_EQ(h.Run(c), StatusCode::kOk);
  const auto events = Journal(h);
  EXPECT_FALSE(Of<storage::SessionRequeued>(events).empty());
  EXPECT_TRUE(Of<storage::SessionEnded>(events).empty());
  EXPECT_TRUE(Of<storage::SessionTraceKept>(events).empty());
}

TEST(SessionJournalTest, ALeaveMessageKeepsItsTraceAndIsNotEndedByTheJournal) {
  RouterHarness h(TwoQueues());
  h.Contact("web", "ana");  // waits in front (room for one)
  h.Contact("web", "bea");  // front is full and has no overflow: a leave message
  const auto events = Journal(h);
  EXPECT_TRUE(Of<storage::SessionEnded>(events).empty());  // the leave-message store ends it
  const auto traces = Of<storage::SessionTraceKept>(events);
  ASSERT_EQ(traces.size(), 1u);
  // entered, overflowed (queue_full), leave_message
  EXPECT_EQ(HopCount(traces[0]->trace, traces[0]->session_id), 3) << traces[0]->trace;
}

TEST(SessionJournalTest, NoTraceIsStoredWhenTheRouterKeepsNone) {
  routing::TenantRouterOptions options;
  options.ended_trace_limit = 0;
  RouterHarness h(TwoQueues(), options);
  h.SignInReady("a1");
  h.Contact("web", "ana");
  const std::uint64_t sid = h.SessionOf("a1");
  h.Take();
  ASSERT_EQ(h.Close("a1", sid), StatusCode::kOk);
  const auto events = Journal(h);
  EXPECT_EQ(Of<storage::SessionEnded>(events).size(), 1u);
  EXPECT_TRUE(Of<storage::SessionTraceKept>(events).empty());
}

}  // namespace
}  // namespace routerd::daemon
