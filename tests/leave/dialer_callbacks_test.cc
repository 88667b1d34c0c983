// The telephony's callback route: only signed, fresh, well-formed reports of
// a tenant with a dialer are recorded, each once.
#include "engine/leave/dialer_callbacks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "routerd/signed_request.h"
#include "tests/leave/leave_api_fixture.h"
#include "tests/leave/telephony_server.h"

namespace routerd::leave {
namespace {

using ::testing::ElementsAre;
using testing::kT0;
using testing::LeaveApiTest;

using testing::kTelephonySecret;

class DialerCallbacksTest : public LeaveApiTest {
 protected:
  void SetUp() override {
    LeaveApiTest::SetUp();
    config_.tenants[0].dialer.url = "http://127.0.0.1:9/calls";
    config_.tenants[0].dialer.secret = kTelephonySecret;
    config_.tenants[0].dialer.callback_tolerance_seconds = 60;
    id_ = Create("+34600111222", kT0);
    // The call the reports are about, as the call API records it.
    ASSERT_TRUE(store_->RecordAudit("t", id_, LeaveAudit::kCallRequested, CallAuditDetail("c1", "employee_id=e1"),
                                    Actor{"admin", {}})
                    .ok());
  }

  http::HttpResponse Send(const std::string& body, std::int64_t ts_s = kT0 / 1000, std::string signature = "",
                          const std::string& tenant = "t") {
    if (!callbacks_) callbacks_ = std::make_unique<DialerCallbacks>(config_, *store_, clock_, max_remembered_);
    http::HttpRequest req{boost::beast::http::verb::post, "/callbacks/dialer/" + tenant, 11};
    req.set(kTimestampHeader, std::to_string(ts_s));
    req.set(kSignatureHeader,
            signature.empty() ? SignRequest(kTelephonySecret, std::to_string(ts_s), body) : signature);
    req.body() = body;
    auto promise = std::make_shared<std::promise<http::HttpResponse>>();
    auto now = callbacks_->Handle(req, "/" + tenant, [&]() -> LeaveMessageApi::Reply {
      return [promise](http::HttpResponse x) { promise->set_value(std::move(x)); };
    });
    return now ? std::move(*now) : promise->get_future().get();
  }
  std::string Body(const std::string& state, std::int64_t id = 0, const std::string& extra = "") {
    return "{\"call_id\":\"c1\",\"message_id\":" + std::to_string(id ? id : id_) + ",\"state\":\"" + state + "\"" +
           extra + "}";
  }
  std::vector<std::string> Actions() {
    std::vector<std::string> out;
    const std::vector<LeaveHistoryEntry> history = store_->History("t", id_).value();
    for (const LeaveHistoryEntry& h : history) out.push_back(h.action + " " + h.detail);
    return out;
  }
  static std::string Detail(const http::HttpResponse& r) { return Field(r.body(), "detail"); }

  std::int64_t id_ = 0;
  std::size_t max_remembered_ = 100;
  std::unique_ptr<DialerCallbacks> callbacks_;
};

INSTANTIATE_TEST_SUITE_P(Backends, DialerCallbacksTest, storage::testing::SqliteAndPostgres(),
                         storage::testing::BackendTestName);

TEST_P(DialerCallbacksTest, EveryStateIsRecordedWithTheCallAndItsDetail) {
  for (const char* state : {"ringing", "connected", "no_answer", "failed"}) {
    clock_.Advance(1'000'000'000);
    auto r = Send(Body(state, 0, R"(,"detail":"sip 200")"), clock_.WallMs() / 1000);
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    EXPECT_EQ(r.body(), R"({"ok":true})");
  }
  EXPECT_THAT(Actions(), ElementsAre("create customer", "call_requested call_id=c1 employee_id=e1",
                                     "call_ringing call_id=c1 sip 200",
                                     "call_connected call_id=c1 sip 200", "call_no_answer call_id=c1 sip 200",
                                     "call_failed call_id=c1 sip 200"));
}

TEST_P(DialerCallbacksTest, OnlySignedAndFreshCallbacksCount) {
  auto r = Send(Body("ringing"), kT0 / 1000, "sha256=" + std::string(64, '0'));
  EXPECT_EQ(r.result_int(), 401u);
  EXPECT_EQ(Detail(r), "X-Routerd-Signature: does not match the body and timestamp");
  r = Send(Body("ringing"), kT0 / 1000 - 61);
  EXPECT_EQ(r.result_int(), 401u);
  EXPECT_EQ(Detail(r), "X-Routerd-Timestamp: more than 60 s from now");
  r = Send(Body("ringing"), kT0 / 1000 + 61);
  EXPECT_EQ(r.result_int(), 401u);
  // Signed with another tenant's (absent) dialer: unknown.
  r = Send(Body("ringing"), kT0 / 1000, "", "u");
  EXPECT_EQ(r.result_int(), 404u);
  r = Send(Body("ringing"), kT0 / 1000, "", "nobody");
  EXPECT_EQ(r.result_int(), 404u);
  EXPECT_EQ(store_->History("t", id_)->size(), 2u) << "nothing recorded";
}

TEST_P(DialerCallbacksTest, AReplayRecordsNothingTwice) {
  const std::string body = Body("connected");
  EXPECT_EQ(Send(body).body(), R"({"ok":true})");
  EXPECT_EQ(Send(body).body(), R"({"ok":true,"duplicate":true})");
  EXPECT_EQ(store_->History("t", id_)->size(), 3u);
  // A full memory refuses new callbacks (503) rather than forget live ones.
  max_remembered_ = 1;
  callbacks_.reset();
  EXPECT_EQ(Send(Body("ringing")).result_int(), 200u);
  auto full = Send(Body("no_answer"));
  EXPECT_EQ(full.result_int(), 503u);
  EXPECT_EQ(Detail(full), "too many recent callbacks to check for replays; retry later");
  EXPECT_EQ(store_->History("t", id_)->size(), 4u);
}

TEST_P(DialerCallbacksTest, BadReportsAre400NamingTheField) {
  struct Case {
    std::string body;
    std::string detail;
  };
  const Case cases[] = {
      {"[]", "the body must be a JSON object"},
      {R"({"message_id":1,"state":"ringing"})", "call_id is required (a string)"},
      {R"({"call_id":"","message_id":1,"state":"ringing"})", "call_id: 1..128 bytes without spaces or control characters"},
      {R"({"call_id":"c1 x","message_id":1,"state":"ringing"})",
       "call_id: 1..128 bytes without spaces or control characters"},
      {R"({"call_id":"c","state":"ringing"})", "message_id is required (a positive integer)"},
      {R"({"call_id":"c","message_id":-4,"state":"ringing"})", "message_id is required (a positive integer)"},
      {R"({"call_id":"c","message_id":1})", "state is required (a string)"},
      {R"({"call_id":"c","message_id":1,"state":"answered"})",
       "state: \"answered\" is not valid (allowed: ringing, connected, failed, no_answer)"},
      {R"({"call_id":"c","message_id":1,"state":"ringing","detail":5})", "detail must be a string"},
      {R"({"call_id":"c","message_id":1,"state":"ringing","to":"x"})", "unknown field 'to'"},
  };
  for (const Case& c : cases) {
    auto r = Send(c.body);
    EXPECT_EQ(r.result_int(), 400u) << c.body;
    EXPECT_EQ(Detail(r), c.detail) << c.body;
  }
  // An unknown message is 404 and may be sent again.
  auto r = Send(Body("ringing", 999999));
  EXPECT_EQ(r.result_int(), 404u);
  EXPECT_EQ(Send(Body("ringing", 999999)).result_int(), 404u) << "not taken for a replay";
  // So is a call routerd did not ask for on this message, and nothing is kept.
  r = Send("{\"call_id\":\"c2\",\"message_id\":" + std::to_string(id_) + ",\"state\":\"connected\"}");
  EXPECT_EQ(r.result_int(), 404u);
  EXPECT_EQ(Detail(r), "leave message " + std::to_string(id_) + " has no call c2: routerd did not ask for it on this message");
  EXPECT_EQ(store_->History("t", id_)->size(), 2u);
}

}  // namespace
}  // namespace routerd::leave
