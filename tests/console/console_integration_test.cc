// The console as the daemon serves it: pages and their headers, the session
// and agents endpoints, and the wallboard WebSocket (auth in the first frame,
// snapshots pushed on change, tenant isolation, closed when the daemon stops).
// Runs the real daemon in-process with the agent-gateway test fixture.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include <functional>

#include "tests/gateway/gateway_fixture.h"

namespace routerd::gateway_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr auto kTimeout = std::chrono::milliseconds(10000);

class ConsoleTest : public GatewayTest {
 protected:
  HttpReply Get(std::string_view target, Headers headers = {}) {
    StatusOr<HttpReply> r = HttpClient(port()).Send("GET", target, "", headers);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : HttpReply{};
  }

  // A wallboard connection that sent its auth frame.
  std::unique_ptr<WsClient> Wallboard(std::string_view token) {
    auto ws = std::make_unique<WsClient>(port());
    StatusOr<int> status = ws->Connect("/console/api/wallboard", "", kTimeout);
    EXPECT_TRUE(status.ok() && *status == 101) << (status.ok() ? std::to_string(*status) : status.status().ToString());
    EXPECT_TRUE(ws->Send(R"({"type":"auth","token":)" + JsonQuote(token) + "}", kTimeout).ok());
    return ws;
  }

  // Reads snapshots until one satisfies `done`; fails after kWait.
  JsonDoc SnapshotWhere(WsClient& ws, const std::function<bool(const JsonDoc&)>& done) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (std::chrono::steady_clock::now() < deadline) {
      StatusOr<std::string> frame = ws.Read(kTimeout);
      if (!frame.ok()) break;
      JsonDoc doc = JsonDoc::Parse(*frame);
      EXPECT_EQ(doc.Str("/type"), "snapshot") << *frame;
      if (done(doc)) return doc;
    }
    ADD_FAILURE() << "no snapshot matched within the wait";
    return JsonDoc{};
  }
};

TEST_F(ConsoleTest, PagesAreServedWithTheirHeadersAndRevalidate) {
  StartDaemon();
  HttpReply root = Get("/");
  EXPECT_EQ(root.status, 302);
  EXPECT_EQ(root.Header("Location"), "/console/");
  EXPECT_EQ(Get("/console").Header("Location"), "/console/");

  HttpReply index = Get("/console/");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_THAT(index.Header("Content-Security-Policy"), HasSubstr("script-src 'self';"));
  EXPECT_THAT(index.body, HasSubstr("<script type=\"module\" src=\"/console/js/signin.js\"></script>"));
  const std::string etag = index.Header("ETag");
  ASSERT_FALSE(etag.empty());
  HttpReply again = Get("/console/", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.body, "");

  HttpReply script = Get("/console/js/wallboard.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.Header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(Get("/console/messages").Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(Get("/console/wallboard").status, 200);
  EXPECT_EQ(Get("/console/nothing-here").status, 404);
  EXPECT_EQ(Get("/console/api/nothing").status, 404);
}

TEST_F(ConsoleTest, SessionSaysWhoTheTokenIsAndWhatItMayDo) {
  StartDaemon();
  HttpReply none = Get("/console/api/session");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.Header("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(Api("GET", "/console/api/session", "wrong").status, 401);

  HttpReply admin = Api("GET", "/console/api/session", kAcmeAdmin);
  ASSERT_EQ(admin.status, 200);
  EXPECT_EQ(admin.Header("Cache-Control"), "no-store");
  JsonDoc a = admin.Json();
  EXPECT_EQ(a.Str("/tenant"), "acme");
  EXPECT_EQ(a.Str("/role"), "tenant_admin");
  EXPECT_EQ(a.Bool("/wallboard"), true);
  EXPECT_THAT(admin.body,
              HasSubstr(R"("permissions":["query","allocate","process","submit","download","view_contact"])"));
  EXPECT_THAT(admin.body, HasSubstr(R"("channel_types":["voice","web"])"));

  JsonDoc agent = Api("GET", "/console/api/session", kA1Token).Json();
  EXPECT_EQ(agent.Str("/role"), "agent");
  EXPECT_EQ(agent.Str("/employee_id"), "a1");
  EXPECT_EQ(agent.Bool("/wallboard"), false);
  EXPECT_THAT(agent.text(), HasSubstr(R"("permissions":["query","process","submit","download","view_contact"])"));
  EXPECT_EQ(agent.Bool("/dialer"), false);
  EXPECT_EQ(a.Bool("/dialer"), false);
  EXPECT_FALSE(a.Has("/idle")) << "an administrator acts for agents";
  // Whether the agent is idle now, and why not: the rule of process and call.
  EXPECT_EQ(agent.Bool("/idle"), false);
  EXPECT_EQ(agent.Str("/idle_reason"), "agent a1 is not idle: it is signed out (sign in first)");
  ASSERT_EQ(Api("PUT", "/api/v1/agents/a1/state", kA1Token, R"({"state":"signed_in"})").status, 200);
  JsonDoc in = Api("GET", "/console/api/session", kA1Token).Json();
  EXPECT_EQ(in.Bool("/idle"), true) << in.text();
  EXPECT_TRUE(in.Has("/idle_reason"));
}

TEST_F(ConsoleTest, AgentsForTheAllocateDialogNeedTheAllocatePermission) {
  StartDaemon();
  HttpReply admin = Api("GET", "/console/api/agents", kAcmeAdmin);
  ASSERT_EQ(admin.status, 200);
  JsonDoc doc = admin.Json();
  EXPECT_EQ(doc.Size("/agents"), 4u);  // a1, a2, a3, v1: acme's only
  EXPECT_EQ(doc.Str("/agents/0/employee_id"), "a1");
  EXPECT_THAT(admin.body, Not(HasSubstr("g1")));
  HttpReply agent = Api("GET", "/console/api/agents", kA1Token);
  EXPECT_EQ(agent.status, 403);
  EXPECT_THAT(agent.body, HasSubstr("lack the 'allocate' permission"));
}

TEST_F(ConsoleTest, WallboardRefusesAgentsBadFramesAndOtherOrigins) {
  StartDaemon();
  {
    auto ws = Wallboard(kA1Token);
    StatusOr<std::string> frame = ws->Read(kTimeout);
    ASSERT_TRUE(frame.ok());
    EXPECT_EQ(*frame, R"({"type":"error","error":"forbidden","detail":"the wallboard needs a tenant_admin token"})");
    EXPECT_FALSE(ws->Read(kTimeout).ok());  // then closed
    EXPECT_FALSE(ws->timed_out());
  }
  {
    auto ws = Wallboard("not-a-token");
    StatusOr<std::string> frame = ws->Read(kTimeout);
    ASSERT_TRUE(frame.ok());
    EXPECT_EQ(*frame, R"({"type":"error","error":"unauthorized","detail":"a valid token is required"})");
  }
  {
    WsClient ws(port());
    ASSERT_EQ(*ws.Connect("/console/api/wallboard", "", kTimeout), 101);
    ASSERT_TRUE(ws.Send("hello", kTimeout).ok());
    StatusOr<std::string> frame = ws.Read(kTimeout);
    ASSERT_TRUE(frame.ok());
    EXPECT_THAT(*frame, HasSubstr(R"("error":"bad_request")"));
  }
  HttpReply cross = Get("/console/api/wallboard", {{"Connection", "Upgrade"},
                                                   {"Upgrade", "websocket"},
                                                   {"Sec-WebSocket-Version", "13"},
                                                   {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
                                                   {"Origin", "http://evil.example"}});
  EXPECT_EQ(cross.status, 403);
  EXPECT_EQ(Get("/console/api/wallboard").status, 426);
}

TEST_F(ConsoleTest, WallboardPushesASnapshotOnSubscribeAndAfterEachChange) {
  StartDaemon();
  auto ws = Wallboard(kAcmeAdmin);
  JsonDoc first = SnapshotWhere(*ws, [](const JsonDoc&) { return true; });
  EXPECT_EQ(first.Str("/tenant"), "acme");
  EXPECT_EQ(first.Str("/queues/0/id"), "chat");
  EXPECT_EQ(first.Int("/queues/0/waiting"), 0);
  EXPECT_EQ(first.Str("/agents/0/employee_id"), "a1");
  EXPECT_EQ(first.Str("/agents/0/state"), "signed_out");
  EXPECT_EQ(first.Int("/history/bucket_ms"), 5000);
  EXPECT_EQ(first.Size("/history/queues/0/waiting"), 120u);

  // A session starts waiting: no routing event, yet the wallboard learns it.
  DeliverWeb(kAcmeWeb, "c1", "Cy", "hello");
  JsonDoc waiting = SnapshotWhere(*ws, [](const JsonDoc& d) { return d.Int("/queues/0/waiting") == 1; });
  EXPECT_EQ(waiting.Int("/queues/0/agents_signed_in"), 0);
  EXPECT_EQ(waiting.Int("/history/queues/0/waiting/119"), 1);  // the current bucket

  // An agent takes it.
  auto a1 = ConnectReady("a1", kA1Token);
  JsonDoc served = SnapshotWhere(*ws, [](const JsonDoc& d) {
    return d.Int("/queues/0/waiting") == 0 && d.Int("/agents/0/active_sessions") == 1;
  });
  EXPECT_EQ(served.Str("/agents/0/state"), "ready");
  EXPECT_EQ(served.Int("/queues/0/agents_ready"), 1);
  EXPECT_EQ(served.Int("/queues/0/agents_signed_in"), 1);
  // The bucket that saw the session waiting keeps its peak. It is the current
  // one, or the one before when a 5 s boundary passed in between.
  EXPECT_EQ(std::max(served.Int("/history/queues/0/waiting/118").value_or(-1),
                     served.Int("/history/queues/0/waiting/119").value_or(-1)),
            1)
      << served.text();
}

TEST_F(ConsoleTest, AWallboardSeesOnlyItsOwnTenant) {
  StartDaemon();
  auto globex = Wallboard(kGlobexAdmin);
  JsonDoc first = SnapshotWhere(*globex, [](const JsonDoc&) { return true; });
  EXPECT_EQ(first.Str("/tenant"), "globex");
  EXPECT_EQ(first.Size("/agents"), 1u);
  EXPECT_EQ(first.Str("/agents/0/employee_id"), "g1");
  EXPECT_THAT(first.text(), Not(HasSubstr("acme")));
}

TEST_F(ConsoleTest, RevokingItsTokenClosesAWallboard) {
  StartDaemon();
  const HttpReply created = Api("POST", "/api/v1/tokens", kAcmeAdmin, R"({"name":"wall-1","role":"tenant_admin"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string token = created.Json().Str("/token").value_or("");
  auto revoked = Wallboard(token);
  auto kept = Wallboard(kAcmeAdmin);
  SnapshotWhere(*revoked, [](const JsonDoc&) { return true; });
  SnapshotWhere(*kept, [](const JsonDoc&) { return true; });
  ASSERT_EQ(Api("DELETE", "/api/v1/tokens/wall-1", kAcmeAdmin).status, 200);
  for (;;) {  // snapshots may come first; then the error, then the close
    StatusOr<std::string> frame = revoked->Read(kTimeout);
    ASSERT_TRUE(frame.ok()) << "closed without saying why";
    if (frame->find("\"type\":\"error\"") == std::string::npos) continue;
    EXPECT_EQ(*frame, R"({"type":"error","error":"token_revoked","detail":"the token of this wallboard was revoked"})");
    break;
  }
  EXPECT_FALSE(revoked->Read(kTimeout).ok());
  EXPECT_FALSE(revoked->timed_out());
  DeliverWeb(kAcmeWeb, "cust-1", "Ana", "one");
  SnapshotWhere(*kept, [](const JsonDoc& s) { return s.Int("/queues/0/waiting") == 1; });
}

TEST_F(ConsoleTest, StoppingTheDaemonClosesOpenWallboards) {
  StartDaemon();
  auto ws = Wallboard(kAcmeAdmin);
  SnapshotWhere(*ws, [](const JsonDoc&) { return true; });
  daemon().Stop();  // returns only once the HTTP server drained
  EXPECT_FALSE(ws->Read(kTimeout).ok());
  EXPECT_FALSE(ws->timed_out());
}

}  // namespace
}  // namespace routerd::gateway_test
