#include "tests/durability/restart_fixture.h"

#include <algorithm>
#include <sstream>

#include "engine/config/config_loader.h"
#include "engine/routing/policy_registry.h"
#include "routerd/builtin_adapters.h"
#include "tests/durability/durability_backend.h"

namespace routerd::durability {

void RestartTest::SetUp() {
  const Status backend = UseBackend(GetParam(), storage_);
  ASSERT_TRUE(backend.ok()) << backend.ToString();
}

void RestartTest::StartDaemon(const DurabilityConfig& config) {
  config_ = config;
  config_.data_dir = data_dir_.path() + "/data";
  config_.backend = storage_.backend;
  config_.url = storage_.url;
  config_.port = 0;
  auto adapters = std::make_unique<AdapterRegistry>();
  ASSERT_TRUE(RegisterBuiltinAdapters(*adapters).ok());
  auto policies = std::make_unique<routing::PolicyRegistry>();
  ASSERT_TRUE(routing::RegisterBuiltinPolicies(*policies).ok());
  const config::ConfigSchema schema{adapters.get(), policies->Names()};
  config::LoadResult loaded = config::LoadConfigString(DurabilityToml(config_), "durability.toml", schema);
  for (const std::string& error : loaded.errors) ADD_FAILURE() << error;
  ASSERT_TRUE(loaded.config.has_value());
  auto created = daemon::Daemon::Create(std::move(*loaded.config), std::move(adapters), std::move(policies));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  daemon_ = std::move(created).value();
  const Status started = daemon_->Start();
  ASSERT_TRUE(started.ok()) << started.ToString();
  http_ = std::make_unique<gateway_test::HttpClient>(daemon_->http_port());
}

void RestartTest::StopDaemon() {
  http_.reset();
  if (daemon_) daemon_->Stop();
  daemon_.reset();
}

void RestartTest::Restart() {
  StopDaemon();
  StartDaemon(config_);
}

void RestartTest::Send(const integration::ProviderRequest& request) {
  const Delivery d = Deliver(*http_, request);
  EXPECT_EQ(d.status, 200) << request.target << " " << request.body << ": " << d.body << d.error;
}

void RestartTest::SendWeb(std::string_view event_id, std::string_view visitor, std::string_view text,
                          std::string_view channel) {
  Send(WebEvent(channel, event_id, "message", visitor, text));
}

gateway_test::HttpReply RestartTest::Admin(std::string_view target) {
  auto reply = http_->Send("GET", target, {}, Bearer(kAdminToken));
  EXPECT_TRUE(reply.ok()) << target << ": " << reply.status().ToString();
  return reply.ok() ? std::move(reply).value() : gateway_test::HttpReply{};
}

std::optional<std::uint64_t> RestartTest::Metric(std::string_view sample) {
  auto reply = http_->Send("GET", "/metrics", {}, {});
  if (!reply.ok()) return std::nullopt;
  std::istringstream lines(reply->body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() > sample.size() && line.compare(0, sample.size(), sample) == 0 && line[sample.size()] == ' ') {
      return std::stoull(line.substr(sample.size() + 1));
    }
  }
  return std::nullopt;
}

std::vector<RouterSession> RestartTest::Sessions() {
  return OnRouter([](const routing::TenantRouter& t) {
    std::vector<RouterSession> out;
    t.ForEachSession([&](const routing::SessionView& v) {
      RouterSession s;
      s.id = v.id;
      s.customer = (*v.first)->customer_id;
      s.queue = std::string(t.QueueId(v.queue));
      if (v.agent != routing::kNone) s.agent = std::string(t.Agent(v.agent).employee_id);
      s.messages = v.messages;
      s.last_text = v.history->back()->text;
      out.push_back(std::move(s));
    });
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return out;
  });
}

std::optional<RouterSession> RestartTest::SessionOf(std::string_view customer) {
  for (RouterSession& s : Sessions()) {
    if (s.customer == customer) return s;
  }
  return std::nullopt;
}

std::vector<std::string> RestartTest::WaitingCustomers(std::string_view queue) {
  return OnRouter([queue = std::string(queue)](const routing::TenantRouter& t) {
    std::vector<std::string> out;
    for (std::uint64_t id : t.WaitingInOrder(*t.FindQueue(queue))) out.push_back((*t.Session(id)->first)->customer_id);
    return out;
  });
}

std::size_t RestartTest::TotalMessages() {
  std::size_t n = 0;
  for (const RouterSession& s : Sessions()) n += s.messages;
  return n;
}

void RestartTest::WaitForMessages(std::size_t n) {
  EXPECT_TRUE(WaitUntil([&] { return TotalMessages() == n; }))
      << "the router holds " << TotalMessages() << " messages, expected " << n;
}

std::unique_ptr<gateway_test::AgentConnection> RestartTest::ConnectReady(std::string_view employee,
                                                                         std::string_view token) {
  auto ws = std::make_unique<gateway_test::WsClient>(daemon_->http_port());
  StatusOr<int> status = ws->Connect("/api/v1/agents/" + std::string(employee) + "/ws", token, gateway_test::kWait);
  EXPECT_TRUE(status.ok() && *status == 101) << (status.ok() ? ws->refusal_body() : status.status().ToString());
  auto agent = std::make_unique<gateway_test::AgentConnection>(std::move(ws), std::string(employee));
  EXPECT_EQ(agent->NextOfType("state").Str("/employee_id"), employee);
  agent->Ack(R"("type":"sign_in")");
  agent->Ack(R"("type":"ready")");
  return agent;
}

std::unique_ptr<DatabaseProbe> RestartTest::Probe() {
  auto probe = DatabaseProbe::Open(config_);
  EXPECT_TRUE(probe.ok()) << probe.status().ToString();
  return probe.ok() ? std::move(probe).value() : nullptr;
}

}  // namespace routerd::durability
