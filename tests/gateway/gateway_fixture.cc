#include "tests/gateway/gateway_fixture.h"

#include <sstream>
#include <thread>

#include "engine/config/config_loader.h"
#include "engine/routing/policy_registry.h"
#include "routerd/builtin_adapters.h"

namespace routerd::gateway_test {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(5);

std::string TokenToml(std::string_view role, std::string_view employee, std::string_view token) {
  std::string out = "\n[[tenants.tokens]]\nrole = \"" + std::string(role) + "\"\n";
  if (!employee.empty()) out += "employee_id = \"" + std::string(employee) + "\"\n";
  out += "token_sha256 = \"" + Sha256Hex(token) + "\"\n";
  return out;
}

std::string CapLine(const std::optional<int>& cap) {
  return cap ? "max_concurrent_sessions = " + std::to_string(*cap) + "\n" : "";
}

std::string SecretOf(std::string_view channel) { return std::string(channel) + "-test-secret"; }

std::int64_t NowUnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string GatewayToml(const GatewayConfig& c) {
  std::string toml = R"(
[server]
listen = "127.0.0.1:0"
io_threads = 2
router_shards = 2
log_level = "warn"
)";
  toml += "agent_grace_seconds = " + std::to_string(c.grace_seconds) + "\n";
  toml += "agent_outbox_limit = " + std::to_string(c.outbox_limit) + "\n";
  if (c.auth_failure_burst) toml += "auth_failure_burst = " + std::to_string(*c.auth_failure_burst) + "\n";
  if (c.auth_failures_per_minute) {
    toml += "auth_failures_per_minute = " + std::to_string(*c.auth_failures_per_minute) + "\n";
  }
  // The data directory is each test's own (set after loading).
  toml += "\n[storage]\nallocation_poll_seconds = 1\n";
  toml += R"(
[[tenants]]
id = "acme"
session_idle_timeout_seconds = 3600
)";
  toml += "max_concurrent_sessions = " + std::to_string(c.tenant_cap) + "\n";
  toml += R"(
[[tenants.ous]]
id = "support"

[[tenants.ous]]
id = "tier1"
parent = "support"

[[tenants.skill_queues]]
id = "chat"
strategy = "least_busy"
max_wait_seconds = 3600
max_waiting = 100000
)";
  toml += "wrap_up_seconds = " + std::to_string(c.chat_wrap_up_seconds) + "\n";
  toml += R"(
[[tenants.skill_queues]]
id = "billing"
strategy = "longest_idle"
max_wait_seconds = 3600
required_skills = { german = 2 }
)";
  toml += "max_waiting = " + std::to_string(c.billing_max_waiting) + "\n";
  toml += R"(

[[tenants.skill_queues]]
id = "phone"
media = "voice"
strategy = "round_robin"

[[tenants.agents]]
employee_id = "a1"
name = "Ana Lima"
ou = "tier1"
type = "multimedia"
skill_queues = ["chat"]
)";
  toml += CapLine(c.a1_cap);
  toml += R"(
[[tenants.agents]]
employee_id = "a2"
name = "Bo Chen"
ou = "tier1"
type = "multimedia"
skill_queues = ["chat"]
)";
  toml += CapLine(c.a2_cap);
  toml += R"(
[[tenants.agents]]
employee_id = "a3"
ou = "support"
type = "versatile"
skill_queues = ["billing", "phone"]
skills = { german = 6, french = 3 }

[[tenants.agents]]
employee_id = "v1"
ou = "support"
type = "voice"
skill_queues = ["phone"]

[[tenants.channels]]
id = "acme-web"
kind = "web"
skill_queue = "chat"
secret = "acme-web-test-secret"

[[tenants.channels]]
id = "acme-billing"
kind = "web"
skill_queue = "billing"
secret = "acme-billing-test-secret"
)";
  if (!c.dialer_url.empty()) {
    toml += "\n[tenants.dialer]\nurl = \"" + c.dialer_url + "\"\nsecret = \"" + std::string(kDialerSecret) +
            "\"\ntimeout_ms = 5000\nretry_backoff_ms = 10\n";
  }
  if (!c.acme_personal_settings.empty()) toml += "\n[tenants.personal_settings]\n" + c.acme_personal_settings;
  toml += TokenToml("tenant_admin", "", kAcmeAdmin);
  toml += TokenToml("agent", "a1", kA1Token);
  toml += TokenToml("agent", "a2", kA2Token);
  toml += TokenToml("agent", "a3", kA3Token);
  toml += R"(
[[tenants]]
id = "globex"
max_concurrent_sessions = 5

[[tenants.ous]]
id = "ops"

[[tenants.skill_queues]]
id = "chat"

[[tenants.agents]]
employee_id = "g1"
ou = "ops"
type = "multimedia"
skill_queues = ["chat"]

[[tenants.channels]]
id = "globex-web"
kind = "web"
skill_queue = "chat"
secret = "globex-web-test-secret"
)";
  toml += TokenToml("tenant_admin", "", kGlobexAdmin);
  toml += TokenToml("agent", "g1", kG1Token);
  return toml;
}

// ---------------------------------------------------------------------------
// AgentConnection

std::optional<JsonDoc> AgentConnection::ReadFrame(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return std::nullopt;
  StatusOr<std::string> text = ws_->Read(left);
  if (!text.ok()) {
    ADD_FAILURE() << "agent " << employee_id_ << ": " << text.status().ToString();
    return std::nullopt;
  }
  JsonDoc doc = JsonDoc::Parse(std::move(*text));
  EXPECT_TRUE(doc.ok()) << "not JSON: " << doc.text();
  EXPECT_TRUE(doc.Str("/type").has_value()) << "a frame without a type: " << doc.text();
  return doc;
}

JsonDoc AgentConnection::Next() {
  if (!pending_.empty()) {
    JsonDoc doc = std::move(pending_.front());
    pending_.pop_front();
    return doc;
  }
  std::optional<JsonDoc> doc = ReadFrame(std::chrono::steady_clock::now() + kWait);
  if (!doc) ADD_FAILURE() << "agent " << employee_id_ << ": no frame within " << kWait.count() << " s";
  return doc ? std::move(*doc) : JsonDoc();
}

JsonDoc AgentConnection::NextOfType(std::string_view type) {
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    if (it->Str("/type") == type) {
      JsonDoc doc = std::move(*it);
      pending_.erase(it);
      return doc;
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  for (;;) {
    std::optional<JsonDoc> doc = ReadFrame(deadline);
    if (!doc) {
      ADD_FAILURE() << "agent " << employee_id_ << ": no '" << type << "' frame within " << kWait.count() << " s";
      return JsonDoc();
    }
    if (doc->Str("/type") == type) return std::move(*doc);
    pending_.push_back(std::move(*doc));
  }
}

JsonDoc AgentConnection::Request(std::string_view fields) {
  const int id = next_id_++;
  const std::string text = "{\"id\":" + std::to_string(id) + "," + std::string(fields) + "}";
  const Status sent = ws_->Send(text, kWait);
  if (!sent.ok()) {
    ADD_FAILURE() << "agent " << employee_id_ << ": " << sent.ToString();
    return JsonDoc();
  }
  const auto is_answer = [id](const JsonDoc& doc) {
    const auto type = doc.Str("/type");
    return (type == "ack" || type == "error") && doc.Int("/id") == id;
  };
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    if (is_answer(*it)) {
      JsonDoc doc = std::move(*it);
      pending_.erase(it);
      return doc;
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  for (;;) {
    std::optional<JsonDoc> doc = ReadFrame(deadline);
    if (!doc) {
      ADD_FAILURE() << "agent " << employee_id_ << ": no answer to " << text;
      return JsonDoc();
    }
    if (is_answer(*doc)) return std::move(*doc);
    pending_.push_back(std::move(*doc));
  }
}

void AgentConnection::Ack(std::string_view fields) {
  const JsonDoc answer = Request(fields);
  EXPECT_EQ(answer.Str("/type"), "ack") << "request {" << fields << "} got " << answer.text();
}

bool AgentConnection::WaitClosed() {
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (ws_->open()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    if (!ws_->Read(left).ok()) return !ws_->timed_out();
  }
  return true;
}

// ---------------------------------------------------------------------------
// GatewayTest

void GatewayTest::StartDaemon(const GatewayConfig& config) {
  auto adapters = std::make_unique<AdapterRegistry>();
  ASSERT_TRUE(RegisterBuiltinAdapters(*adapters).ok());
  auto policies = std::make_unique<routing::PolicyRegistry>();
  ASSERT_TRUE(routing::RegisterBuiltinPolicies(*policies).ok());
  const config::ConfigSchema schema{adapters.get(), policies->Names()};
  config::LoadResult loaded = config::LoadConfigString(GatewayToml(config), "gateway.toml", schema);
  for (const std::string& error : loaded.errors) ADD_FAILURE() << error;
  ASSERT_TRUE(loaded.config.has_value());
  loaded.config->storage.data_dir = data_dir_.path();
  auto created = daemon::Daemon::Create(std::move(*loaded.config), std::move(adapters), std::move(policies));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  daemon_ = std::move(created).value();
  const Status started = daemon_->Start();
  ASSERT_TRUE(started.ok()) << started.ToString();
  ASSERT_NE(daemon_->http_port(), 0);
  http_ = std::make_unique<HttpClient>(daemon_->http_port());
}

void GatewayTest::RestartDaemon(const GatewayConfig& config) {
  http_.reset();
  daemon_->Stop();
  daemon_.reset();
  StartDaemon(config);
}

void GatewayTest::TearDown() {
  http_.reset();
  if (daemon_) daemon_->Stop();
  daemon_.reset();
}

HttpReply GatewayTest::Api(std::string_view method, std::string_view target, std::string_view token,
                           std::string body) {
  Headers headers;
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  return Api(method, target, token, std::move(body), std::move(headers));
}

HttpReply GatewayTest::Api(std::string_view method, std::string_view target, std::string_view token,
                           std::string body, Headers headers) {
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + std::string(token));
  StatusOr<HttpReply> reply = http_->Send(method, target, std::move(body), headers);
  if (!reply.ok()) {
    ADD_FAILURE() << method << " " << target << ": " << reply.status().ToString();
    return HttpReply{};
  }
  return std::move(reply).value();
}

std::string GatewayTest::DeliverWeb(std::string_view channel, std::string_view customer, std::string_view name,
                                    std::string_view text) {
  const std::string event_id = "evt-" + std::to_string(next_event_++);
  const std::string body = "{\"event_id\":" + JsonQuote(event_id) + ",\"type\":\"message\",\"visitor\":{\"id\":" +
                           JsonQuote(customer) + ",\"name\":" + JsonQuote(name) + "},\"text\":" + JsonQuote(text) +
                           ",\"sent_at\":" + std::to_string(kSentAtMs) + "}";
  DeliverWebEvent(channel, body);
  return event_id;
}

void GatewayTest::DeliverWebEvent(std::string_view channel, const std::string& body) {
  const std::string timestamp = std::to_string(NowUnixSeconds());
  const Headers headers = {{"Content-Type", "application/json"},
                           {"X-Routerd-Timestamp", timestamp},
                           {"X-Routerd-Signature", WebSignature(SecretOf(channel), timestamp, body)}};
  StatusOr<HttpReply> reply = http_->Send("POST", "/webhooks/web/" + std::string(channel), body, headers);
  if (!reply.ok()) {
    ADD_FAILURE() << "webhook " << channel << ": " << reply.status().ToString();
  } else {
    EXPECT_EQ(reply->status, 200) << reply->body;
  }
}

int GatewayTest::UpgradeStatus(std::string_view target, std::string_view token, std::string* body) {
  WsClient ws(port());
  StatusOr<int> status = ws.Connect(target, token, kWait);
  if (!status.ok()) {
    ADD_FAILURE() << target << ": " << status.status().ToString();
    return 0;
  }
  if (body) *body = ws.refusal_body();
  return *status;
}

std::unique_ptr<AgentConnection> GatewayTest::Open(std::string_view employee, std::string_view token,
                                                   int receive_buffer) {
  auto ws = std::make_unique<WsClient>(port());
  const std::string target = "/api/v1/agents/" + std::string(employee) + "/ws";
  StatusOr<int> status = ws->Connect(target, token, kWait, receive_buffer);
  if (!status.ok()) {
    ADD_FAILURE() << target << ": " << status.status().ToString();
  } else {
    EXPECT_EQ(*status, 101) << target << ": " << ws->refusal_body();
  }
  return std::make_unique<AgentConnection>(std::move(ws), std::string(employee));
}

std::unique_ptr<AgentConnection> GatewayTest::Connect(std::string_view employee, std::string_view token,
                                                      int receive_buffer) {
  auto agent = Open(employee, token, receive_buffer);
  if (agent->ws().open()) {
    const JsonDoc state = agent->Next();
    EXPECT_EQ(state.Str("/type"), "state") << state.text();
    EXPECT_EQ(state.Str("/employee_id"), employee) << state.text();
  }
  return agent;
}

std::unique_ptr<AgentConnection> GatewayTest::ConnectReady(std::string_view employee, std::string_view token) {
  auto agent = Connect(employee, token);
  agent->Ack(R"("type":"sign_in")");
  agent->Ack(R"("type":"ready")");
  // The state changes come in order: not_ready (signed in), then ready.
  EXPECT_EQ(agent->NextOfType("state").Str("/state"), "not_ready");
  EXPECT_EQ(agent->NextOfType("state").Str("/state"), "ready");
  return agent;
}

std::unique_ptr<AgentConnection> ConnectReadyAgent(std::uint16_t port, std::string_view employee,
                                                   std::string_view token) {
  auto ws = std::make_unique<WsClient>(port);
  const StatusOr<int> status = ws->Connect("/api/v1/agents/" + std::string(employee) + "/ws", token, kWait);
  EXPECT_TRUE(status.ok() && *status == 101) << (status.ok() ? ws->refusal_body() : status.status().ToString());
  auto agent = std::make_unique<AgentConnection>(std::move(ws), std::string(employee));
  EXPECT_EQ(agent->NextOfType("state").Str("/state"), "signed_out");
  agent->Ack(R"("type":"sign_in")");
  agent->Ack(R"("type":"ready")");
  EXPECT_EQ(agent->NextOfType("state").Str("/state"), "not_ready");
  EXPECT_EQ(agent->NextOfType("state").Str("/state"), "ready");
  return agent;
}

std::optional<std::uint64_t> GatewayTest::Metric(std::string_view sample) {
  const HttpReply metrics = Api("GET", "/metrics", "");
  EXPECT_EQ(metrics.status, 200);
  std::istringstream lines(metrics.body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() > sample.size() && line.compare(0, sample.size(), sample) == 0 && line[sample.size()] == ' ') {
      return std::stoull(line.substr(sample.size() + 1));
    }
  }
  return std::nullopt;
}

bool GatewayTest::WaitForMetric(std::string_view sample, const std::function<bool(std::uint64_t)>& done) {
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  for (;;) {
    const std::optional<std::uint64_t> value = Metric(sample);
    if (value && done(*value)) return true;
    if (std::chrono::steady_clock::now() >= deadline) {
      ADD_FAILURE() << "timed out waiting on " << sample << " (last value "
                    << (value ? std::to_string(*value) : "absent") << ")";
      return false;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

}  // namespace routerd::gateway_test
