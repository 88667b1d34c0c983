// The Dialer against a local telephony (TelephonyServer): signed requests,
// retries of what a retry may fix, the final failure reported once, the
// per-tenant bound on pending calls.
#include "engine/leave/dialer.h"

#include <gtest/gtest.h>

#include <future>
#include <mutex>

#include "routerd/clock.h"
#include "tests/leave/telephony_server.h"

namespace routerd::leave {
namespace {

using testing::TelephonyServer;

using testing::kTelephonySecret;

class DialerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config::TenantConfig t;
    t.id = "t";
    t.dialer.url = telephony_.url("/pbx/originate");
    t.dialer.secret = kTelephonySecret;
    t.dialer.timeout_ms = 300;
    t.dialer.max_attempts = 3;
    t.dialer.retry_backoff_ms = 10;
    config_.tenants.push_back(t);
    config::TenantConfig none;
    none.id = "none";
    config_.tenants.push_back(none);
  }

  void Start() {
    // Also called from Stop() for calls still pending then (the dialer is
    // declared after what this touches, so it stops first).
    dialer_ = std::make_unique<Dialer>(config_, clock_, [this](const CallRequest& call, const Status& why) {
      std::lock_guard lock(failed_mu_);
      if (!failed_told_) failed_.set_value(call.call_id + " " + why.ToString());
      failed_told_ = true;
    });
    dialer_->Start();
  }

  static CallRequest Call(std::string id, std::string tenant = "t") {
    CallRequest c;
    c.tenant_id = std::move(tenant);
    c.message_id = 42;
    c.call_id = std::move(id);
    c.employee_id = "10001";
    c.business_account = "acc-10001";
    c.contact_number = "+34600111222";
    c.requested_by = "agent:10001";
    return c;
  }

  TelephonyServer telephony_{kTelephonySecret};
  config::Config config_;
  ManualClock clock_;
  std::mutex failed_mu_;
  std::promise<std::string> failed_;  // the first failure reported
  bool failed_told_ = false;          // guarded by failed_mu_
  std::unique_ptr<Dialer> dialer_;
};

TEST_F(DialerTest, ASignedRequestNamingAgentAccountAndNumber) {
  Start();
  ASSERT_TRUE(dialer_->Request(Call("c1")).ok());
  ASSERT_TRUE(telephony_.WaitForRequests(1));
  const auto got = telephony_.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].signature_ok);
  EXPECT_EQ(got[0].target, "/pbx/originate");
  EXPECT_EQ(got[0].body, Dialer::RequestBody(Call("c1")));
  EXPECT_EQ(got[0].body,
            R"({"call_id":"c1","tenant_id":"t","message_id":42,"employee_id":"10001","business_account":"acc-10001",)"
            R"("contact_number":"+34600111222","requested_by":"agent:10001"})");
}

TEST_F(DialerTest, WhatARetryMayFixIsRetriedWithBackoff) {
  telephony_.Script({503, 0, 429});  // unavailable, no answer in time, too many requests
  config_.tenants[0].dialer.max_attempts = 4;
  Start();
  ASSERT_TRUE(dialer_->Request(Call("c2")).ok());
  ASSERT_TRUE(telephony_.WaitForRequests(4));
  const auto got = telephony_.received();
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].answered, 503);
  EXPECT_EQ(got[1].answered, 0);
  EXPECT_EQ(got[2].answered, 429);
  EXPECT_EQ(got[3].answered, 202);
  for (const auto& r : got) EXPECT_EQ(r.body, got[0].body) << "the same call each time";
}

TEST_F(DialerTest, TheFinalFailureIsReportedOnce) {
  telephony_.Script({500, 500, 500});
  Start();
  ASSERT_TRUE(dialer_->Request(Call("c3")).ok());
  auto failed = failed_.get_future();
  ASSERT_EQ(failed.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  EXPECT_EQ(failed.get(),
            "c3 Unavailable: not requested after 3 attempts: the telephony answered HTTP 500: {\"error\":\"refused\"}");
  EXPECT_EQ(telephony_.received().size(), 3u);
}

TEST_F(DialerTest, ARefusalIsFinalAtOnce) {
  telephony_.Script({403});
  Start();
  ASSERT_TRUE(dialer_->Request(Call("c4")).ok());
  auto failed = failed_.get_future();
  ASSERT_EQ(failed.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  EXPECT_EQ(failed.get(),
            "c4 FailedPrecondition: not requested after 1 attempt: the telephony answered HTTP 403: "
            "{\"error\":\"refused\"}");
}

TEST_F(DialerTest, AWrongSecretIsRefusedByTheTelephony) {
  config_.tenants[0].dialer.secret = "another-secret-0123456789";
  Start();
  ASSERT_TRUE(dialer_->Request(Call("c5")).ok());
  auto failed = failed_.get_future();
  ASSERT_EQ(failed.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  EXPECT_NE(failed.get().find("HTTP 401"), std::string::npos);
  EXPECT_FALSE(telephony_.received().at(0).signature_ok);
}

TEST_F(DialerTest, PendingCallsAreBoundedPerTenantAndATenantWithoutUrlIsRefused) {
  telephony_.Script({0});  // the first call hangs until its timeout
  config_.tenants[0].dialer.max_pending_calls = 1;
  config_.tenants[0].dialer.max_attempts = 1;
  config_.tenants[0].dialer.timeout_ms = 5000;
  Start();
  ASSERT_TRUE(dialer_->Request(Call("c6")).ok());
  Status second = dialer_->Request(Call("c7"));
  EXPECT_EQ(second.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(second.message(), "1 calls of tenant t are pending (max_pending_calls); try again");
  Status none = dialer_->Request(Call("c8", "none"));
  EXPECT_EQ(none.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(none.message(), "no telephony is configured for tenant none ([tenants.dialer] url)");
}

TEST_F(DialerTest, AStoppedDialerTakesNothing) {
  Start();
  dialer_->Stop();
  EXPECT_EQ(dialer_->Request(Call("c9")).code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace routerd::leave
