#include "tests/gateway/cluster_fixture.h"

#include "engine/gateway/api_handler.h"
#include "engine/gateway/token_api.h"
#include "engine/http/http_server.h"
#include "routerd/clock.h"

namespace routerd::gateway_test {

// What the daemon's HttpRouter does for these two prefixes, over handlers of
// the front end's own.
class FrontHandler final : public http::RequestHandler {
 public:
  FrontHandler(gateway::ApiHandler& api, console::Console& console) : api_(api), console_(console) {}

  http::BodyPermit AdmitBody(const http::HttpRequest& head, std::size_t default_limit) override {
    const std::string_view path = PathOf(head);
    if (path.starts_with(kApi)) return api_.AdmitBody(head, path.substr(kApi.size() - 1), default_limit);
    return http::BodyPermit::Allow(0);
  }

  std::optional<http::HttpResponse> Handle(http::HttpRequest& request, http::RequestContext& ctx) override {
    const std::string_view path = PathOf(request);
    if (path.starts_with(kApi)) return api_.Handle(request, path.substr(kApi.size() - 1), ctx);
    return console_.Handle(request, path, ctx);
  }

 private:
  static constexpr std::string_view kApi = "/api/v1/";
  static std::string_view PathOf(const http::HttpRequest& request) {
    std::string_view path = request.target();
    return path.substr(0, path.find('?'));
  }

  gateway::ApiHandler& api_;
  console::Console& console_;
};

struct ClusterTest::FrontEnd {
  FrontEnd(daemon::Daemon& d, gateway::OwnerCheck check)
      : auth(d.config()),
        tokens(auth, d.storage().administration(), d.agent_gateway()),
        api(auth, d.shards(), d.agent_gateway().broker(), d.agent_gateway(), tokens, d.agent_gateway().caps(),
            clock),
        console(d.config(), d.shards(), auth, clock),
        handler(api, console),
        server(Options(), handler) {
    api.SetOwnerCheck(check);
    console.SetOwnerCheck(std::move(check));
  }

  static http::HttpServerOptions Options() {
    http::HttpServerOptions options;
    options.listen = "127.0.0.1:0";
    options.io_threads = 2;
    options.shutdown_grace = std::chrono::seconds(1);
    return options;
  }

  SystemClock clock;
  gateway::Authenticator auth;
  gateway::TokenApi tokens;
  gateway::ApiHandler api;
  console::Console console;
  FrontHandler handler;
  http::HttpServer server;
};

ClusterTest::ClusterTest() = default;
ClusterTest::~ClusterTest() = default;

void ClusterTest::StartCluster(const GatewayConfig& config) {
  StartDaemon(config);
  front_ = std::make_unique<FrontEnd>(daemon(), [this](std::string_view tenant) { return OwnerOf(tenant); });
  front_->console.Start();
  const Status started = front_->server.Start();
  ASSERT_TRUE(started.ok()) << started.ToString();
}

void ClusterTest::TearDown() {
  if (front_) {
    // As the daemon stops: WebSockets first, or the server waits for them.
    daemon().agent_gateway().CloseConnections();
    front_->console.Stop();
    front_->server.Stop();
    front_.reset();
  }
  GatewayTest::TearDown();
}

void ClusterTest::RouteElsewhere(std::string_view tenant, std::optional<std::string> url, int after_checks) {
  std::lock_guard lock(mu_);
  owners_[std::string(tenant)] = Moved{gateway::TenantOwner{false, std::move(url)}, after_checks};
}

void ClusterTest::RouteHere(std::string_view tenant) {
  std::lock_guard lock(mu_);
  owners_.erase(std::string(tenant));
}

gateway::TenantOwner ClusterTest::OwnerOf(std::string_view tenant) {
  std::lock_guard lock(mu_);
  auto it = owners_.find(tenant);
  if (it == owners_.end()) return gateway::TenantOwner{};
  if (it->second.here_for > 0) {
    --it->second.here_for;
    return gateway::TenantOwner{};
  }
  return it->second.owner;
}

HttpReply ClusterTest::Front(std::string_view method, std::string_view target, std::string_view token,
                             std::string body, Headers headers) {
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + std::string(token));
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  HttpClient client(front_port());
  StatusOr<HttpReply> reply = client.Send(method, target, std::move(body), headers);
  EXPECT_TRUE(reply.ok()) << reply.status().ToString();
  return reply.ok() ? *reply : HttpReply{};
}

std::uint16_t ClusterTest::front_port() const { return front_->server.port(); }
console::Console& ClusterTest::front_console() { return front_->console; }

}  // namespace routerd::gateway_test
