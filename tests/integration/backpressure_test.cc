// When the tenant's router queue is full the webhook answers 503 with
// Retry-After, accepts nothing of that delivery, and forgets its ids so that the
// provider's retry goes through.
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/signing.h"
#include "tests/integration/webhook_test_fixture.h"

namespace routerd::integration {
namespace {

using BackpressureTest = WebhookIntegrationTest;

// Holds a router shard's thread inside a Post()ed function, so its queues fill
// up and nothing drains, until Release() or destruction (bounded, so a failing
// test cannot hang the shard forever).
class ShardBlocker {
 public:
  explicit ShardBlocker(shard::RouterShard& shard) {
    auto entered = std::make_shared<std::promise<void>>();
    std::future<void> entered_future = entered->get_future();
    shard.Post([entered, release = release_.get_future().share()](routing::Router&) {
      entered->set_value();
      release.wait_for(std::chrono::seconds(30));
    });
    blocking_ = entered_future.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  }
  ~ShardBlocker() { Release(); }
  ShardBlocker(const ShardBlocker&) = delete;
  ShardBlocker& operator=(const ShardBlocker&) = delete;

  bool blocking() const { return blocking_; }
  void Release() {
    if (released_) return;
    released_ = true;
    release_.set_value();
  }

 private:
  std::promise<void> release_;
  bool blocking_ = false;
  bool released_ = false;
};

TEST_F(BackpressureTest, FullRouterQueueAnswers503AndTheRetryIsAccepted) {
  const auto ref = daemon().shards().directory().FindTenant(kTenant);
  ASSERT_TRUE(ref.has_value());
  ShardBlocker blocker(daemon().shards().shard(ref->shard));
  ASSERT_TRUE(blocker.blocking());

  // Three contacts per delivery: 341 fill 1023 of the 1024 slots, and the
  // 342nd does not fit as a whole.
  auto batch = [](int i) {
    const std::string n = std::to_string(i);
    return WhatsAppPost(WhatsAppTextBody({{n + "01", "A", "wamid." + n + ".a", "a"},
                                          {n + "02", "B", "wamid." + n + ".b", "b"},
                                          {n + "03", "C", "wamid." + n + ".c", "c"}}));
  };
  int accepted = 0;
  HttpResult refused;
  ProviderRequest refused_request;
  for (int i = 0; i < kRouterQueueCapacity; ++i) {
    ProviderRequest request = batch(i);
    HttpResult res = Deliver(request);
    if (res.status != 200) {
      refused = std::move(res);
      refused_request = std::move(request);
      break;
    }
    ++accepted;
  }
  EXPECT_EQ(accepted, kRouterQueueCapacity / 3);
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.Header("Retry-After"), "1");
  EXPECT_EQ(refused.Header("Content-Type"), "application/json");
  EXPECT_EQ(refused.body, R"({"error":"overloaded","detail":"the router is at capacity; retry later"})");

  blocker.Release();
  WaitForMessages(static_cast<std::size_t>(accepted) * 3);

  // Meta retries the refused delivery: none of it was kept, so all of it goes in.
  const HttpResult retry = Deliver(refused_request);
  EXPECT_EQ(retry.status, 200);
  EXPECT_EQ(retry.body, "EVENT_RECEIVED");
  const RouterSnapshot s = WaitForMessages(static_cast<std::size_t>(accepted + 1) * 3);
  EXPECT_EQ(s.sessions.size(), static_cast<std::size_t>(accepted + 1) * 3);

  EXPECT_EQ(MetricValue("routerd_webhook_queue_full_total{kind=\"whatsapp\"}"), 1u);
  EXPECT_EQ(MetricValue("routerd_webhook_responses_total{kind=\"whatsapp\",code=\"503\"}"), 1u);
  EXPECT_EQ(MetricValue("routerd_webhook_contacts_accepted_total{kind=\"whatsapp\"}"),
            static_cast<std::uint64_t>(accepted + 1) * 3);
  EXPECT_EQ(MetricValue("routerd_webhook_duplicates_total{kind=\"whatsapp\"}"), 0u);
  EXPECT_EQ(MetricValue("routerd_shard_rejected_full_total{shard=\"" + std::to_string(ref->shard) + "\"}"), 1u);
}

// Mailgun retries with the original timestamp, token and signature: the
// token cache must not take the retry of a refused delivery for a replay.
TEST_F(BackpressureTest, AMailgunRetryOfADelivery503dIsAccepted) {
  const auto ref = daemon().shards().directory().FindTenant(kTenant);
  ASSERT_TRUE(ref.has_value());
  ShardBlocker blocker(daemon().shards().shard(ref->shard));
  ASSERT_TRUE(blocker.blocking());

  // Fill the queue with emails until one does not fit.
  const std::int64_t timestamp = NowUnixSeconds();
  int accepted = 0;
  std::optional<ProviderRequest> refused;
  for (int i = 0; i <= kRouterQueueCapacity && !refused; ++i) {
    const std::string n = std::to_string(i);
    ProviderRequest request = EmailPost(
        EmailFields("c" + n + "@example.com", "s", "body " + n, "<m" + n + "@example.com>"), "token-" + n, timestamp);
    const HttpResult res = Deliver(request);
    if (res.status == 503) {
      refused = std::move(request);
    } else {
      ASSERT_EQ(res.status, 200) << res.body;
      ++accepted;
    }
  }
  ASSERT_TRUE(refused.has_value());
  blocker.Release();
  // The shard drains; most of these sessions overflow the mail queue into
  // leave messages, so its queue depth is watched rather than open sessions.
  const std::string depth = "routerd_shard_queue_depth{shard=\"" + std::to_string(ref->shard) + "\"}";
  for (int i = 0; i < 2000 && MetricValue(depth).value_or(1) != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(MetricValue(depth), 0u);

  const HttpResult retry = Deliver(*refused);
  EXPECT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(retry.body, "OK");
  EXPECT_EQ(MetricValue("routerd_webhook_contacts_accepted_total{kind=\"email\"}"),
            static_cast<std::uint64_t>(accepted) + 1);
  EXPECT_EQ(MetricValue("routerd_webhook_duplicates_total{kind=\"email\"}"), 0u);
  EXPECT_EQ(MetricValue("routerd_webhook_rejections_total{kind=\"email\",reason=\"replay\"}"), std::nullopt);
}

}  // namespace
}  // namespace routerd::integration
