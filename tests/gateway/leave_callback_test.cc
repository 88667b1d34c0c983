// A leave message called back end to end, through the real daemon: a web
// visitor leaves a message with a phone, automatic allocation gives it to the
// signed-in agent, who cannot process it while serving a chat (not idle) and
// can once the chat is closed; the call request reaches a local telephony
// (TelephonyServer) signed with the tenant's secret, and the telephony's
// signed reports of the call come back into the message's history.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/gateway/gateway_fixture.h"
#include "tests/leave/telephony_server.h"

namespace routerd::gateway_test {
namespace {

using leave::testing::PostSigned;
using leave::testing::TelephonyServer;

std::int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class LeaveCallbackTest : public GatewayTest {
 protected:
  // Polls the message until its history's last action is `action`.
  JsonDoc WaitForAction(std::int64_t id, std::string_view action) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    JsonDoc doc;
    while (std::chrono::steady_clock::now() < deadline) {
      doc = Api("GET", "/api/v1/messages/" + std::to_string(id), kAcmeAdmin).Json();
      const std::size_t n = doc.Size("/history").value_or(0);
      if (n > 0 && doc.Str("/history/" + std::to_string(n - 1) + "/action") == action) return doc;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "message " << id << " never recorded " << action << ": " << doc.text();
    return doc;
  }

  TelephonyServer telephony_{std::string(kDialerSecret)};
};

TEST_F(LeaveCallbackTest, AnIdleAgentCallsTheVisitorBackAndTheCallsStatesAreKept) {
  GatewayConfig config;
  config.dialer_url = telephony_.url("/originate");
  StartDaemon(config);
  const std::uint16_t daemon_port = port();
  // The telephony rings the phone and connects, reporting both, signed.
  telephony_.OnAccepted([daemon_port](const TelephonyServer::Received& r) {
    JsonDoc call = JsonDoc::Parse(r.body);
    for (const char* state : {"ringing", "connected"}) {
      const std::string body = "{\"call_id\":\"" + call.Str("/call_id").value_or("") + "\",\"message_id\":" +
                               std::to_string(call.Int("/message_id").value_or(0)) + ",\"state\":\"" + state +
                               "\",\"detail\":\"pbx leg 7\"}";
      std::string answer;
      EXPECT_EQ(PostSigned(daemon_port, "/callbacks/dialer/acme", std::string(kDialerSecret), NowSeconds(), body,
                           &answer),
                200)
          << answer;
    }
  });

  auto a1 = ConnectReady("a1", kA1Token);
  DeliverWebEvent(kAcmeWeb,
                  R"({"event_id":"lm-1","type":"leave_message","visitor":{"id":"v-77","name":"Kenji",)"
                  R"("phone":"+81312345678"},"text":"please call me","sent_at":1718000000123})");
  JsonDoc told = a1->NextOfType("leave_message_allocated");
  ASSERT_TRUE(told.ok()) << told.text();
  EXPECT_EQ(told.Str("/message/contact_number"), "+81312345678");
  EXPECT_EQ(told.Str("/message/contact_number_type"), "phone");
  const std::int64_t id = told.Int("/message/id").value_or(0);
  ASSERT_GT(id, 0);
  const std::string path = "/api/v1/messages/" + std::to_string(id);

  // Serving a chat, a1 is not idle.
  DeliverWeb(kAcmeWeb, "c-chat", "Chat", "hello");
  JsonDoc assigned = a1->NextOfType("assigned");
  ASSERT_TRUE(assigned.ok()) << assigned.text();
  HttpReply busy = Api("POST", path + "/process", kA1Token);
  EXPECT_EQ(busy.status, 409) << busy.body;
  EXPECT_EQ(busy.Json().Str("/detail"), "agent a1 is not idle: it has 1 active session (idle means at most 0)");
  HttpReply closed = Api("POST", "/api/v1/sessions/" + assigned.Str("/session_id").value_or("") + "/close", kA1Token);
  ASSERT_EQ(closed.status, 200) << closed.body;
  // The router reports the freed capacity on its own thread: retry until it has.
  HttpReply processing;
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  do {
    processing = Api("POST", path + "/process", kA1Token);
    if (processing.status != 409) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  ASSERT_EQ(processing.status, 200) << processing.body;

  HttpReply call = Api("POST", path + "/call", kA1Token);
  ASSERT_EQ(call.status, 202) << call.body;
  const std::string call_id = call.Json().Str("/call_id").value_or("");
  ASSERT_TRUE(telephony_.WaitForRequests(1));
  const TelephonyServer::Received asked = telephony_.received().at(0);
  EXPECT_TRUE(asked.signature_ok);
  EXPECT_EQ(asked.target, "/originate");
  JsonDoc request = JsonDoc::Parse(asked.body);
  EXPECT_EQ(request.Str("/call_id"), call_id);
  EXPECT_EQ(request.Str("/tenant_id"), "acme");
  EXPECT_EQ(request.Str("/employee_id"), "a1");
  EXPECT_EQ(request.Str("/business_account"), "a1");
  EXPECT_EQ(request.Str("/contact_number"), "+81312345678");

  JsonDoc done = WaitForAction(id, "call_connected");
  const std::size_t n = done.Size("/history").value_or(0);
  ASSERT_GE(n, 3u) << done.text();
  EXPECT_EQ(done.Str("/history/" + std::to_string(n - 3) + "/action"), "call_requested");
  EXPECT_EQ(done.Str("/history/" + std::to_string(n - 2) + "/action"), "call_ringing");
  EXPECT_EQ(done.Str("/history/" + std::to_string(n - 1) + "/detail"), "call_id=" + call_id + " pbx leg 7");
  EXPECT_EQ(done.Str("/history/" + std::to_string(n - 1) + "/actor"), "dialer");

  // A forged report is refused and changes nothing.
  const std::string forged = "{\"call_id\":\"" + call_id + "\",\"message_id\":" + std::to_string(id) +
                             ",\"state\":\"failed\"}";
  EXPECT_EQ(PostSigned(daemon_port, "/callbacks/dialer/acme", "not-the-secret-at-all", NowSeconds(), forged), 401);
  EXPECT_EQ(Api("GET", path, kAcmeAdmin).Json().Size("/history").value_or(0), n);
  // Signed, but about a call routerd never asked for on this message: refused, nothing kept.
  for (const std::string& unknown : {std::string("c-unknown"), call_id + "0"}) {
    const std::string report = "{\"call_id\":\"" + unknown + "\",\"message_id\":" + std::to_string(id) +
                               ",\"state\":\"connected\"}";
    std::string answer;
    EXPECT_EQ(PostSigned(daemon_port, "/callbacks/dialer/acme", std::string(kDialerSecret), NowSeconds(), report,
                         &answer),
              404)
        << answer;
    EXPECT_NE(answer.find("has no call " + unknown), std::string::npos) << answer;
  }
  const std::string spaced = "{\"call_id\":\"" + call_id + " x\",\"message_id\":" + std::to_string(id) +
                             ",\"state\":\"connected\"}";
  EXPECT_EQ(PostSigned(daemon_port, "/callbacks/dialer/acme", std::string(kDialerSecret), NowSeconds(), spaced), 400);
  EXPECT_EQ(Api("GET", path, kAcmeAdmin).Json().Size("/history").value_or(0), n);
}

TEST_F(LeaveCallbackTest, ACallStillPendingAtShutdownIsRecordedInItsHistory) {
  GatewayConfig config;
  config.dialer_url = telephony_.url("/originate");
  telephony_.Script({0});  // takes the request and never answers
  StartDaemon(config);
  std::int64_t id = 0;
  {
    auto a1 = ConnectReady("a1", kA1Token);
    DeliverWebEvent(kAcmeWeb,
                    R"({"event_id":"lm-2","type":"leave_message","visitor":{"id":"v-78","phone":"+81312345679"},)"
                    R"("text":"call me","sent_at":1718000000123})");
    JsonDoc told = a1->NextOfType("leave_message_allocated");
    ASSERT_TRUE(told.ok()) << told.text();
    id = told.Int("/message/id").value_or(0);
    const std::string path = "/api/v1/messages/" + std::to_string(id);
    ASSERT_EQ(Api("POST", path + "/process", kA1Token).status, 200);
    ASSERT_EQ(Api("POST", path + "/call", kA1Token).status, 202);
    ASSERT_TRUE(telephony_.WaitForRequests(1));
  }
  RestartDaemon(config);
  JsonDoc doc = Api("GET", "/api/v1/messages/" + std::to_string(id), kAcmeAdmin).Json();
  const std::size_t n = doc.Size("/history").value_or(0);
  ASSERT_GE(n, 2u) << doc.text();
  EXPECT_EQ(doc.Str("/history/" + std::to_string(n - 2) + "/action"), "call_requested") << doc.text();
  EXPECT_EQ(doc.Str("/history/" + std::to_string(n - 1) + "/action"), "call_failed") << doc.text();
  EXPECT_NE(doc.Str("/history/" + std::to_string(n - 1) + "/detail").value_or("").find(
                "routerd stopped before the telephony confirmed the request"),
            std::string::npos)
      << doc.text();
}

}  // namespace
}  // namespace routerd::gateway_test
