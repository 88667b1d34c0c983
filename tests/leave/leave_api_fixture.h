// Real storage on the backend of the test's parameter (storage_backends.h:
// SQLite in a temporary directory, or PostgreSQL in a fresh database of a
// private server), used through the Storage interface and its leave-message
// repository; a configuration built in memory (tenant "t": queue "q"
// with agents a1, a2; voice queue "vq" with v1 (voice) and x1 (versatile);
// queue "manual" without automatic allocation; agent a3 in no queue; channels
// web-1 (web) and whatsapp-1 (whatsapp), so channel types voice, web, whatsapp; tenant
// "u" with agent b1), Principals built directly, and requests handled with
// no sockets: deferred answers are captured through the Deferrer seam. The
// agents' activity (signed in, idle at first) is what a test sets in
// activity_; calls go to request_call_ (a real Dialer where a test needs one).
#pragma once

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/gateway/auth.h"
#include "engine/leave/leave_message_api.h"
#include "engine/storage/storage.h"
#include "tests/storage/storage_backends.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::leave::testing {

// A leave-message id as the API writes it in paths and bodies.
inline std::string Str(std::int64_t id) { return std::to_string(id); }

inline constexpr std::int64_t kT0 = 1'700'000'000'000;  // ManualClock's default wall time

inline config::AgentConfig Agent(std::string id, config::AgentType type, std::vector<std::string> queues) {
  config::AgentConfig a;
  a.employee_id = id;
  a.business_account = "acct-" + id;
  a.type = type;
  a.skill_queues = std::move(queues);
  return a;
}

inline config::SkillQueueConfig Queue(std::string id, config::QueueMedia media, bool automatic) {
  config::SkillQueueConfig q;
  q.id = std::move(id);
  q.media = media;
  q.auto_allocate = automatic;
  return q;
}

inline config::ChannelConfig Channel(std::string id, std::string kind) {
  config::ChannelConfig ch;
  ch.id = std::move(id);
  ch.kind = std::move(kind);
  ch.skill_queue = "q";
  return ch;
}

inline config::Config MakeConfig() {
  using config::AgentType;
  using config::QueueMedia;
  config::Config c;
  config::TenantConfig t;
  t.id = "t";
  t.skill_queues = {Queue("q", QueueMedia::kMultimedia, true), Queue("vq", QueueMedia::kVoice, true),
                    Queue("manual", QueueMedia::kMultimedia, false), Queue("empty", QueueMedia::kMultimedia, true)};
  t.agents = {Agent("a1", AgentType::kMultimedia, {"q", "manual"}), Agent("a2", AgentType::kMultimedia, {"q"}),
              Agent("v1", AgentType::kVoice, {"vq"}), Agent("x1", AgentType::kVersatile, {"vq"}),
              Agent("a3", AgentType::kMultimedia, {})};
  t.channels = {Channel("web-1", "web"), Channel("whatsapp-1", "whatsapp")};
  c.tenants.push_back(t);
  config::TenantConfig u;
  u.id = "u";
  u.skill_queues = {Queue("q", QueueMedia::kMultimedia, true)};
  u.agents = {Agent("b1", AgentType::kMultimedia, {"q"})};
  c.tenants.push_back(u);
  return c;
}

struct Result {
  http::HttpResponse response;
  bool deferred = false;
  int status() const { return static_cast<int>(response.result_int()); }
  const std::string& body() const { return response.body(); }
};

// Parameterized by backend: each test file instantiates its fixture (this
// one or a subclass) once, over storage::testing::SqliteAndPostgres().
class LeaveApiTest : public ::testing::TestWithParam<storage::testing::BackendParam> {
 protected:
  void SetUp() override {
    config_ = MakeConfig();
    OpenStore();
    ASSERT_NE(storage_, nullptr);
    // Every agent starts signed in and idle, as the router would report it.
    for (const config::TenantConfig& t : config_.tenants) {
      for (const config::AgentConfig& a : t.agents) activity_[t.id + "/" + a.employee_id] = AgentActivity{true, 0};
    }
    MakeApi();
  }
  void TearDown() override {
    api_.reset();
    CloseStore();
  }

  // Opens (or reopens) the storage at this test's location, which is kept
  // across reopenings: the same data directory, the same PostgreSQL database.
  void OpenStore() {
    storage_ = where_.Open(clock_, {"t", "u"});
    store_ = storage_ ? &storage_->leave_messages() : nullptr;
  }
  void CloseStore() {
    store_ = nullptr;
    if (storage_) storage_->Stop();
    storage_.reset();
  }

  void MakeApi() {
    api_.reset();
    LeaveMessageApi::Hooks hooks;
    hooks.notify_allocated = [this](const std::string& t, const std::string& e, std::string json) {
      std::lock_guard<std::mutex> lock(mu_);
      notified_.push_back(t + "/" + e + " " + json);
    };
    hooks.on_created = [this](const leave::StoredLeaveMessage& m) {
      std::lock_guard<std::mutex> lock(mu_);
      created_.push_back(m.id);
    };
    hooks.agent_activity = [this](const std::string& t, const std::string& e) -> std::optional<AgentActivity> {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = activity_.find(t + "/" + e);
      if (it == activity_.end()) return std::nullopt;
      return it->second;
    };
    hooks.request_call = [this](CallRequest call) -> Status {
      std::lock_guard<std::mutex> lock(mu_);
      return request_call_ ? request_call_(std::move(call)) : Status::FailedPrecondition("no dialer in this test");
    };
    api_ = std::make_unique<LeaveMessageApi>(config_, *store_, clock_, std::move(hooks));
  }

  const config::TenantConfig& tenant(std::size_t i = 0) const { return config_.tenants[i]; }

  gateway::Principal Admin(std::size_t tenant_index = 0) const {
    return gateway::Principal{&config_.tenants[tenant_index], config::TokenConfig::Role::kTenantAdmin, "", "ivr-admin"};
  }
  gateway::Principal AgentP(std::string employee, std::size_t tenant_index = 0) const {
    return gateway::Principal{&config_.tenants[tenant_index], config::TokenConfig::Role::kAgent, employee,
                              "agent:" + employee};
  }

  Result Call(boost::beast::http::verb verb, std::string target, const gateway::Principal& who,
              std::string body = "", std::string content_type = "application/json") {
    http::HttpRequest req{verb, target, 11};
    req.set(boost::beast::http::field::content_type, content_type);
    req.body() = std::move(body);
    req.prepare_payload();
    constexpr std::string_view kPrefix = "/api/v1/messages";
    std::string_view path(target);
    EXPECT_EQ(path.substr(0, kPrefix.size()), kPrefix);
    path.remove_prefix(kPrefix.size());
    path = path.substr(0, path.find('?'));
    auto promise = std::make_shared<std::promise<http::HttpResponse>>();
    int defers = 0;
    std::optional<http::HttpResponse> now = api_->Handle(req, path, who, [&]() -> LeaveMessageApi::Reply {
      ++defers;
      return [promise](http::HttpResponse r) { promise->set_value(std::move(r)); };
    });
    Result out;
    if (now) {
      EXPECT_EQ(defers, 0);
      out.response = std::move(*now);
      return out;
    }
    EXPECT_EQ(defers, 1);
    out.deferred = true;
    out.response = promise->get_future().get();
    return out;
  }
  Result Get(std::string target, const gateway::Principal& who) {
    return Call(boost::beast::http::verb::get, std::move(target), who);
  }
  Result Post(std::string target, const gateway::Principal& who, std::string body = "") {
    return Call(boost::beast::http::verb::post, std::move(target), who, std::move(body));
  }

  // A message of tenant `tenant_id`, created as the router's sink would.
  std::int64_t Create(std::string customer, std::int64_t created_at_ms, std::string kind = "web",
                      std::string queue = "q", std::string tenant_id = "t") {
    leave::LeaveMessage m;
    m.tenant_id = tenant_id;
    m.channel_kind = kind;
    m.channel_id = kind + "-1";
    m.customer_id = customer;
    m.display_name = "Visitor";
    m.skill_queue = queue;
    m.reason = "customer";
    m.created_at_ms = created_at_ms;
    m.messages = {storage::testing::MakeContact(m.channel_id, customer, "p" + std::to_string(++seq_),
                                                "please call me", created_at_ms - 10, tenant_id, kind)};
    StatusOr<leave::StoredLeaveMessage> r = store_->Create(std::move(m), leave::Actor{"router", {}});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : -1;
  }

  // The ids of a {"messages":[...]} body, in order.
  static std::vector<std::int64_t> Ids(const std::string& body) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    std::vector<std::int64_t> ids;
    EXPECT_EQ(parser.parse(simdjson::padded_string(body)).get(root), simdjson::SUCCESS) << body;
    simdjson::dom::array items;
    if (root["messages"].get_array().get(items) != simdjson::SUCCESS) return ids;
    for (auto item : items) ids.push_back(item["id"].get_int64().value());
    return ids;
  }
  static std::string Field(const std::string& body, std::string_view key) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(simdjson::padded_string(body)).get(root) != simdjson::SUCCESS) return "<not json>";
    auto v = root[key];
    if (v.error()) return "<absent>";
    if (v.is_null()) return "null";
    std::string_view s;
    if (v.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
    return simdjson::to_string(v.value());
  }

  std::vector<std::string> notified() {
    std::lock_guard<std::mutex> lock(mu_);
    return notified_;
  }

  storage::testing::BackendLocation where_{GetParam()};  // outlives storage_
  ManualClock clock_;
  config::Config config_;
  std::unique_ptr<storage::Storage> storage_;
  leave::LeaveRepository* store_ = nullptr;
  std::unique_ptr<LeaveMessageApi> api_;
  int seq_ = 0;
  std::mutex mu_;
  std::vector<std::string> notified_;
  std::vector<std::int64_t> created_;
  std::map<std::string, AgentActivity> activity_;               // "tenant/employee", guarded by mu_
  std::function<Status(CallRequest)> request_call_;             // guarded by mu_
};

}  // namespace routerd::leave::testing
