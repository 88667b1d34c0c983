#include "tests/integration/webhook_test_fixture.h"

#include <algorithm>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>
#include <tuple>

#include "engine/config/config_loader.h"
#include "engine/routing/policy_registry.h"
#include "routerd/builtin_adapters.h"
#include "tests/integration/integration_config.h"

namespace routerd::integration {
namespace {

constexpr auto kWaitLimit = std::chrono::seconds(5);
constexpr auto kPollInterval = std::chrono::milliseconds(2);

}  // namespace

const SessionInfo* RouterSnapshot::Find(std::string_view channel_id, std::string_view customer_id) const {
  for (const SessionInfo& s : sessions) {
    if (s.channel_id == channel_id && s.customer_id == customer_id) return &s;
  }
  return nullptr;
}

std::size_t RouterSnapshot::total_messages() const {
  std::size_t n = 0;
  for (const SessionInfo& s : sessions) n += s.messages;
  return n;
}

void WebhookIntegrationTest::SetUp() {
  auto adapters = std::make_unique<AdapterRegistry>();
  ASSERT_TRUE(RegisterBuiltinAdapters(*adapters).ok());
  auto policies = std::make_unique<routing::PolicyRegistry>();
  ASSERT_TRUE(routing::RegisterBuiltinPolicies(*policies).ok());
  const config::ConfigSchema schema{adapters.get(), policies->Names()};
  config::LoadResult loaded = config::LoadConfigString(kConfigToml, "integration.toml", schema);
  for (const std::string& error : loaded.errors) ADD_FAILURE() << error;
  ASSERT_TRUE(loaded.config.has_value());

  loaded.config->storage.data_dir = data_dir_.path();
  auto created = daemon::Daemon::Create(std::move(*loaded.config), std::move(adapters), std::move(policies));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  daemon_ = std::move(created).value();
  const Status started = daemon_->Start();
  ASSERT_TRUE(started.ok()) << started.ToString();
  ASSERT_NE(daemon_->http_port(), 0);
  client_ = std::make_unique<HttpClient>(daemon_->http_port());
  producer_ = std::make_unique<shard::ShardSet::Producer>(daemon_->shards());
}

void WebhookIntegrationTest::TearDown() {
  client_.reset();  // closes the connection, so Stop has nothing idle to wait for
  producer_.reset();
  if (daemon_) daemon_->Stop();
  daemon_.reset();
}

HttpResult WebhookIntegrationTest::Send(std::string_view method, std::string_view target, std::string body,
                                        const HttpClient::Headers& headers) {
  StatusOr<HttpResult> result = client_->Send(method, target, std::move(body), headers);
  if (!result.ok()) {
    ADD_FAILURE() << method << " " << target << ": " << result.status().ToString();
    return HttpResult{};
  }
  return std::move(result).value();
}

RouterSnapshot WebhookIntegrationTest::Snapshot() {
  const auto ref = daemon_->shards().directory().FindTenant(kTenant);
  if (!ref.has_value()) {
    ADD_FAILURE() << "tenant " << kTenant << " is not in the routing directory";
    return {};
  }
  // Shared, so that a shard answering after the wait gave up writes into
  // something that still exists.
  auto promise = std::make_shared<std::promise<RouterSnapshot>>();
  std::future<RouterSnapshot> future = promise->get_future();
  const config::TenantConfig* tenant_config = ref->config;
  const std::uint32_t tenant_index = ref->tenant;
  daemon_->shards().shard(ref->shard).Post([promise, tenant_config, tenant_index](routing::Router& router) {
    const routing::TenantRouter& tenant = router.tenant(tenant_index);
    RouterSnapshot snapshot;
    tenant.ForEachSession([&](const routing::SessionView& view) {
      SessionInfo info;
      info.id = view.id;
      info.channel_id = tenant_config->channels[view.channel].id;
      info.queue_id = std::string(tenant.QueueId(view.queue));
      if (view.agent != routing::kNone) info.agent = std::string(tenant.Agent(view.agent).employee_id);
      info.messages = view.messages;
      if (view.first != nullptr && *view.first != nullptr) {
        const Contact& first = **view.first;
        info.channel_kind = first.channel_kind;
        info.customer_id = first.customer_id;
        info.display_name = first.display_name;
        info.text = first.text;
        info.provider_message_id = first.provider_message_id;
      }
      snapshot.sessions.push_back(std::move(info));
    });
    for (std::uint32_t i = 0; i < tenant.agent_count(); ++i) {
      const auto agent = tenant.Agent(i);
      snapshot.agents.emplace(std::string(agent.employee_id), agent.state);
    }
    std::sort(snapshot.sessions.begin(), snapshot.sessions.end(), [](const SessionInfo& a, const SessionInfo& b) {
      return std::tie(a.channel_id, a.customer_id) < std::tie(b.channel_id, b.customer_id);
    });
    promise->set_value(std::move(snapshot));
  });
  if (future.wait_for(kWaitLimit) != std::future_status::ready) {
    ADD_FAILURE() << "the router shard did not answer within " << kWaitLimit.count() << " s";
    return {};
  }
  return future.get();
}

RouterSnapshot WebhookIntegrationTest::WaitFor(const std::function<bool(const RouterSnapshot&)>& done,
                                               std::string_view what) {
  const auto deadline = std::chrono::steady_clock::now() + kWaitLimit;
  RouterSnapshot snapshot = Snapshot();
  while (!done(snapshot)) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ADD_FAILURE() << "timed out waiting for: " << what;
      return snapshot;
    }
    std::this_thread::sleep_for(kPollInterval);
    snapshot = Snapshot();
  }
  return snapshot;
}

RouterSnapshot WebhookIntegrationTest::WaitForMessages(std::size_t n) {
  return WaitFor([n](const RouterSnapshot& s) { return s.total_messages() == n; },
                 std::to_string(n) + " message(s) in open sessions");
}

void WebhookIntegrationTest::SignInReady(std::string_view employee_id) {
  auto& shards = daemon_->shards();
  const auto ref = shards.directory().FindTenant(kTenant);
  ASSERT_TRUE(ref.has_value());
  const auto agent = shards.directory().FindAgent(*ref, employee_id);
  ASSERT_TRUE(agent.has_value()) << employee_id;
  routing::AgentCommand command;
  command.target = *agent;
  command.type = routing::AgentCommandType::kSignIn;
  ASSERT_TRUE(shards.SubmitCommand(*producer_, *ref, command).ok());
  command.type = routing::AgentCommandType::kReady;
  ASSERT_TRUE(shards.SubmitCommand(*producer_, *ref, command).ok());
  const std::string id(employee_id);
  WaitFor(
      [&id](const RouterSnapshot& s) {
        auto it = s.agents.find(id);
        return it != s.agents.end() && it->second == routing::AgentState::kReady;
      },
      "agent " + id + " ready");
}

std::optional<std::uint64_t> WebhookIntegrationTest::MetricValue(std::string_view sample) {
  const HttpResult metrics = Send("GET", "/metrics");
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

std::string WebhookIntegrationTest::Fixture(std::string_view relative_path) {
  const std::string path = std::string(ROUTERD_FIXTURES_DIR) + "/" + std::string(relative_path);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read fixture " << path;
    return {};
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace routerd::integration
