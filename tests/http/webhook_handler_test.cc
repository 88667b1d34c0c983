// WebhookHandler without sockets: back-pressure (503 + Retry-After when the
// router queue is full, and nothing of the refused request is kept), dedup,
// and routing of URLs to channels.
#include "engine/http/webhook_handler.h"

#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <thread>

#include "engine/config/config_loader.h"
#include "engine/leave/leave_message_sink.h"
#include "engine/routing/policy_registry.h"
#include "routerd/builtin_adapters.h"

namespace routerd::http {
namespace {

constexpr std::string_view kConfig = R"toml(
[server]
router_queue_capacity = 1024
router_batch_size = 256
[[tenants]]
id = "t"
[[tenants.ous]]
id = "ou"
[[tenants.skill_queues]]
id = "q"
max_waiting = 100000
[[tenants.agents]]
employee_id = "a1"
ou = "ou"
type = "multimedia"
skill_queues = ["q"]
[[tenants.channels]]
id = "web-1"
kind = "web"
skill_queue = "q"
secret = "test-secret"
)toml";

std::string HexHmac(std::string_view key, std::string_view msg) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(msg.data()),
       msg.size(), out, &len);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex.push_back(kHex[out[i] >> 4]);
    hex.push_back(kHex[out[i] & 15]);
  }
  return hex;
}

class WebhookHandlerTest : public ::testing::Test {
 protected:
  WebhookHandlerTest() {
    EXPECT_TRUE(RegisterBuiltinAdapters(adapters_).ok());
    EXPECT_TRUE(routing::RegisterBuiltinPolicies(policies_).ok());
    auto loaded = config::LoadConfigString(kConfig, "test.toml", {&adapters_, policies_.Names()});
    for (const auto& e : loaded.errors) ADD_FAILURE() << e;
    config_ = std::move(*loaded.config);
    shards_ = std::make_unique<shard::ShardSet>(config_, policies_, shard::ShardOptionsFromConfig(config_.server),
                                                clock_, sink_);
    handler_ = std::make_unique<WebhookHandler>(config_, *shards_, dedup_, leave_, metrics_, clock_, 1);
  }

  HttpRequest WebPost(const std::string& event_id, const std::string& channel = "web-1") {
    const std::string body = R"({"event_id":")" + event_id +
                             R"(","type":"message","visitor":{"id":"v-)" + event_id +
                             R"(","name":"Ana"},"text":"hello","sent_at":1763712000123})";
    const std::string ts = std::to_string(clock_.WallMs() / 1000);
    HttpRequest req{boost::beast::http::verb::post, "/webhooks/web/" + channel, 11};
    req.set(boost::beast::http::field::content_type, "application/json");
    req.set("X-Routerd-Timestamp", ts);
    req.set("X-Routerd-Signature", "sha256=" + HexHmac("test-secret", ts + "." + body));
    req.body() = body;
    req.prepare_payload();
    return req;
  }

  struct NullSink final : routing::RoutingEventSink {
    void OnRoutingEvents(std::span<routing::RoutingEvent>) override {}
  };
  // These tests send no leave_message events: nothing may arrive here.
  struct NoLeaveMessages final : leave::LeaveMessageSink {
    void Submit(std::vector<leave::LeaveMessage>&& batch) override {
      ADD_FAILURE() << batch.size() << " unexpected leave message(s)";
    }
  };

  AdapterRegistry adapters_;
  routing::PolicyRegistry policies_;
  config::Config config_;
  SystemClock clock_;
  NullSink sink_;
  std::unique_ptr<shard::ShardSet> shards_;
  ingest::DedupWindow dedup_{3600 * 1000, 100000};
  NoLeaveMessages leave_;
  metrics::WebhookMetrics metrics_{adapters_.Kinds()};
  std::unique_ptr<WebhookHandler> handler_;
};

TEST_F(WebhookHandlerTest, AFullRouterQueueAnswers503AndKeepsNothingSoTheRetryGoesThrough) {
  // The shards are not started, so nothing drains: the queue holds 1024.
  for (int i = 0; i < 1024; ++i) {
    HttpResponse res = handler_->Handle(WebPost("e" + std::to_string(i)), "web", "web-1");
    ASSERT_EQ(res.result_int(), 200) << i << ": " << res.body();
  }
  HttpResponse full = handler_->Handle(WebPost("e-last"), "web", "web-1");
  EXPECT_EQ(full.result_int(), 503);
  EXPECT_EQ(full[boost::beast::http::field::retry_after], "1");
  EXPECT_EQ(full.body(), R"({"error":"overloaded","detail":"the router is at capacity; retry later"})");
  // Not remembered as delivered: the provider's retry is refused again, not
  // mistaken for a duplicate and answered 200 while nothing was kept.
  EXPECT_EQ(handler_->Handle(WebPost("e-last"), "web", "web-1").result_int(), 503);

  shards_->Start();
  int status = 0;
  for (int i = 0; i < 500 && status != 200; ++i) {
    status = handler_->Handle(WebPost("e-last"), "web", "web-1").result_int();
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(status, 200);
  // Now it is a duplicate: 200 and nothing new.
  EXPECT_EQ(handler_->Handle(WebPost("e-last"), "web", "web-1").result_int(), 200);
  shards_->Stop();
  std::uint64_t inputs = shards_->shard(0).counters().inputs.load();
  EXPECT_EQ(inputs, 1025u);
}

TEST_F(WebhookHandlerTest, UnknownChannelOrKindMismatchIs404AndOtherMethodsAre405) {
  EXPECT_EQ(handler_->Handle(WebPost("x", "nope"), "web", "nope").result_int(), 404);
  HttpResponse mismatch = handler_->Handle(WebPost("x"), "line", "web-1");
  EXPECT_EQ(mismatch.result_int(), 404);
  EXPECT_EQ(mismatch.body(), R"({"error":"not_found","detail":"no line channel with this id"})");
  HttpRequest put = WebPost("x");
  put.method(boost::beast::http::verb::put);
  HttpResponse res = handler_->Handle(put, "web", "web-1");
  EXPECT_EQ(res.result_int(), 405);
  EXPECT_EQ(res[boost::beast::http::field::allow], "GET, POST");
}

}  // namespace
}  // namespace routerd::http
