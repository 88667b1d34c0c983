// Processing and calling back through the REST API: the agent must be signed
// in and idle (an administrator acts for it, recorded as such); a call needs
// a message in processing with a phone number and a tenant with a dialer; a
// real Dialer then asks a local telephony (TelephonyServer), and the
// telephony's signed callbacks land in the history.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/leave/dialer.h"
#include "engine/leave/dialer_callbacks.h"
#include "routerd/signed_request.h"
#include "tests/leave/leave_api_fixture.h"
#include "tests/leave/telephony_server.h"

namespace routerd::leave {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::kT0;
using testing::LeaveApiTest;
using testing::TelephonyServer;

using testing::kTelephonySecret;

using testing::Str;

class LeaveCallApiTest : public LeaveApiTest {
 protected:
  void SetUp() override {
    LeaveApiTest::SetUp();
    config::DialerConfig& d = config_.tenants[0].dialer;
    d.url = telephony_.url("/calls");
    d.secret = kTelephonySecret;
    d.timeout_ms = 2000;
    d.max_attempts = 2;
    d.retry_backoff_ms = 10;
    dialer_ = std::make_unique<Dialer>(config_, clock_, [this](const CallRequest& call, const Status& why) {
      std::lock_guard<std::mutex> lock(mu_);
      failures_.push_back(call.call_id + ": " + why.message());
    });
    dialer_->Start();
    {
      std::lock_guard<std::mutex> lock(mu_);
      request_call_ = [this](CallRequest call) { return dialer_->Request(std::move(call)); };
    }
  }
  void TearDown() override {
    dialer_->Stop();
    LeaveApiTest::TearDown();
  }

  // A message allocated to `employee` and (unless `process` is false) processing.
  std::int64_t Processing(std::string contact, std::string employee = "a1", bool process = true) {
    const std::int64_t id = Create(std::move(contact), kT0);
    EXPECT_TRUE(store_->Allocate("t", id, employee, "acct-" + employee, Actor{"x", {}}).ok());
    if (process) {
      EXPECT_TRUE(store_->Process("t", id, Actor{"x", {}}).ok());
    }
    return id;
  }
  void SetActivity(const std::string& employee, bool signed_in, std::uint32_t sessions) {
    std::lock_guard<std::mutex> lock(mu_);
    activity_["t/" + employee] = AgentActivity{signed_in, sessions};
  }
  std::vector<std::string> Actions(std::int64_t id) {
    std::vector<std::string> out;
    const std::vector<LeaveHistoryEntry> history = store_->History("t", id).value();
    for (const LeaveHistoryEntry& h : history) out.push_back(h.actor + ":" + h.action);
    return out;
  }
  std::string LastDetail(std::int64_t id) {
    const std::vector<LeaveHistoryEntry> history = store_->History("t", id).value();
    return history.back().detail;
  }

  TelephonyServer telephony_{kTelephonySecret};
  std::unique_ptr<Dialer> dialer_;
  std::vector<std::string> failures_;  // guarded by mu_
};

INSTANTIATE_TEST_SUITE_P(Backends, LeaveCallApiTest, storage::testing::SqliteAndPostgres(),
                         storage::testing::BackendTestName);

TEST_P(LeaveCallApiTest, ProcessNeedsTheAgentSignedInAndIdle) {
  const std::int64_t id = Processing("+34600111222", "a1", false);
  const std::string process = "/api/v1/messages/" + Str(id) + "/process";
  SetActivity("a1", false, 0);
  auto r = Post(process, AgentP("a1"));
  EXPECT_EQ(r.status(), 409);
  EXPECT_EQ(Field(r.body(), "detail"), "agent a1 is not idle: it is signed out (sign in first)");
  SetActivity("a1", true, 2);
  r = Post(process, AgentP("a1"));
  EXPECT_EQ(r.status(), 409);
  EXPECT_EQ(Field(r.body(), "detail"), "agent a1 is not idle: it has 2 active sessions (idle means at most 0)");
  EXPECT_EQ(store_->Get("t", id)->status, LeaveStatus::kUnprocessed) << "a refusal changes nothing";
  // "Idle" is configurable: at most N active sessions.
  config_.tenants[0].dialer.idle_max_active_sessions = 2;
  r = Post(process, AgentP("a1"));
  ASSERT_EQ(r.status(), 200) << r.body();
  EXPECT_EQ(LastDetail(id), "") << "the agent acted for itself";
}

TEST_P(LeaveCallApiTest, AnAdministratorProcessesForABusyAgentAndIsRecordedAsSuch) {
  const std::int64_t id = Processing("+34600111222", "a1", false);
  SetActivity("a1", false, 0);
  auto r = Post("/api/v1/messages/" + Str(id) + "/process", Admin());
  ASSERT_EQ(r.status(), 200) << r.body();
  std::vector<LeaveHistoryEntry> h = store_->History("t", id).value();
  EXPECT_EQ(h.back().action, "process");
  EXPECT_EQ(h.back().actor, "ivr-admin");
  EXPECT_EQ(h.back().detail, "on behalf of employee a1");
  // The status rule still comes first for anyone.
  r = Post("/api/v1/messages/" + Str(id) + "/process", Admin());
  EXPECT_EQ(r.status(), 409);
  EXPECT_THAT(Field(r.body(), "detail"), HasSubstr("current status is \"processing\""));
}

TEST_P(LeaveCallApiTest, ACallIsRequestedSignedAndItsStatesComeBack) {
  const std::int64_t id = Processing("+34600111222");
  auto r = Post("/api/v1/messages/" + Str(id) + "/call", AgentP("a1"));
  ASSERT_EQ(r.status(), 202) << r.body();
  const std::string call_id = Field(r.body(), "call_id");
  EXPECT_THAT(call_id, StartsWith("c" + Str(id) + "-"));
  ASSERT_TRUE(telephony_.WaitForRequests(1));
  const TelephonyServer::Received got = telephony_.received().at(0);
  EXPECT_TRUE(got.signature_ok);
  EXPECT_EQ(got.target, "/calls");
  EXPECT_EQ(got.timestamp, Str(kT0 / 1000));
  EXPECT_EQ(got.body, "{\"call_id\":\"" + call_id + "\",\"tenant_id\":\"t\",\"message_id\":" + Str(id) +
                          ",\"employee_id\":\"a1\",\"business_account\":\"acct-a1\",\"contact_number\":"
                          "\"+34600111222\",\"requested_by\":\"agent:a1\"}");
  EXPECT_EQ(got.answered, 202);

  // The telephony reports the call's states.
  DialerCallbacks callbacks(config_, *store_, clock_);
  auto report = [&](const std::string& state, std::int64_t ts_s) {
    const std::string body =
        "{\"call_id\":\"" + call_id + "\",\"message_id\":" + Str(id) + ",\"state\":\"" + state + "\"}";
    http::HttpRequest req{boost::beast::http::verb::post, "/callbacks/dialer/t", 11};
    req.set(kTimestampHeader, Str(ts_s));
    req.set(kSignatureHeader, SignRequest(kTelephonySecret, Str(ts_s), body));
    req.body() = body;
    auto promise = std::make_shared<std::promise<http::HttpResponse>>();
    auto now = callbacks.Handle(req, "/t", [&]() -> LeaveMessageApi::Reply {
      return [promise](http::HttpResponse x) { promise->set_value(std::move(x)); };
    });
    return now ? std::move(*now) : promise->get_future().get();
  };
  EXPECT_EQ(report("ringing", kT0 / 1000).result_int(), 200u);
  EXPECT_EQ(report("connected", kT0 / 1000 + 1).result_int(), 200u);
  auto replay = report("connected", kT0 / 1000 + 1);
  EXPECT_EQ(replay.result_int(), 200u);
  EXPECT_EQ(replay.body(), R"({"ok":true,"duplicate":true})");
  EXPECT_THAT(Actions(id), ElementsAre("router:create", "x:allocate", "x:process", "agent:a1:call_requested",
                                       "dialer:call_ringing", "dialer:call_connected"));
  EXPECT_EQ(LastDetail(id), "call_id=" + call_id);
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_TRUE(failures_.empty());
}

TEST_P(LeaveCallApiTest, ACallNeedsProcessingAPhoneADialerAndAnIdleAgent) {
  const std::int64_t unprocessed = Processing("+34600111222", "a1", false);
  auto r = Post("/api/v1/messages/" + Str(unprocessed) + "/call", AgentP("a1"));
  EXPECT_EQ(r.status(), 409);
  EXPECT_EQ(Field(r.body(), "detail"),
            "cannot call: the message's current status is \"unprocessed\"; call needs \"processing\"");
  const std::int64_t visitor = Processing("v-6f1c");
  r = Post("/api/v1/messages/" + Str(visitor) + "/call", AgentP("a1"));
  EXPECT_EQ(r.status(), 409);
  EXPECT_EQ(Field(r.body(), "detail"), "cannot call: the contact number is a visitor_id, not a phone number");
  const std::int64_t id = Processing("+34600111222");
  SetActivity("a1", true, 1);
  r = Post("/api/v1/messages/" + Str(id) + "/call", AgentP("a1"));
  EXPECT_EQ(r.status(), 409);
  EXPECT_EQ(Field(r.body(), "detail"), "agent a1 is not idle: it has 1 active session (idle means at most 0)");
  EXPECT_EQ(Post("/api/v1/messages/" + Str(id) + "/call", AgentP("a2")).status(), 403);
  EXPECT_EQ(Post("/api/v1/messages/" + Str(id) + "/call", AgentP("a1"), R"({"to":"+1"})").status(), 400);
  EXPECT_EQ(Call(boost::beast::http::verb::get, "/api/v1/messages/" + Str(id) + "/call", AgentP("a1")).status(), 405);
  // An administrator calls for the busy agent.
  r = Post("/api/v1/messages/" + Str(id) + "/call", Admin());
  ASSERT_EQ(r.status(), 202) << r.body();
  EXPECT_THAT(LastDetail(id), ::testing::EndsWith(" employee_id=a1 business_account=acct-a1 on behalf of employee a1"));
  // Without a dialer url nothing can be called.
  config_.tenants[0].dialer.url.clear();
  SetActivity("a1", true, 0);
  r = Post("/api/v1/messages/" + Str(id) + "/call", AgentP("a1"));
  EXPECT_EQ(r.status(), 409);
  EXPECT_EQ(Field(r.body(), "detail"), "cannot call: no telephony is configured for this tenant ([tenants.dialer] url)");
  EXPECT_EQ(store_->History("t", id)->size(), 4u) << "create, allocate, process, call_requested: refusals are not recorded";
}

TEST_P(LeaveCallApiTest, ACallTheTelephonyNeverTakesIsRecordedAsFailed) {
  telephony_.Script({503, 400});
  const std::int64_t id = Processing("+34600111222");
  auto r = Post("/api/v1/messages/" + Str(id) + "/call", AgentP("a1"));
  ASSERT_EQ(r.status(), 202) << r.body();
  ASSERT_TRUE(telephony_.WaitForRequests(2));
  for (int i = 0; i < 200; ++i) {  // the failure is reported after the second answer
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!failures_.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::lock_guard<std::mutex> lock(mu_);
  ASSERT_EQ(failures_.size(), 1u);
  EXPECT_EQ(failures_[0], Field(r.body(), "call_id") +
                              ": not requested after 2 attempts: the telephony answered HTTP 400: "
                              "{\"error\":\"refused\"}");
}

}  // namespace
}  // namespace routerd::leave
