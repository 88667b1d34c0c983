#include "engine/console/console.h"


#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "engine/config/token_rules.h"
#include "engine/console/embedded_assets.h"
#include "engine/console/wallboard_session.h"
#include "engine/gateway/gateway_json.h"

namespace routerd::console {
namespace {

using namespace http::json_fields;

using Field = boost::beast::http::field;
using Verb = boost::beast::http::verb;
using http::HttpResponse;
using http::HttpStatus;

constexpr std::string_view kPrefix = "/console/";

HttpResponse Json(HttpStatus status, std::string body) {
  HttpResponse r = http::TextResponse(status, std::move(body), "application/json");
  r.set(Field::cache_control, "no-store");
  SetSecurityHeaders(r);
  return r;
}

HttpResponse Error(HttpStatus status, std::string_view error, std::string_view detail) {
  HttpResponse r = http::JsonError(status, error, detail);
  r.set(Field::cache_control, "no-store");
  SetSecurityHeaders(r);
  if (status == HttpStatus::unauthorized) r.set(Field::www_authenticate, "Bearer");
  return r;
}

// The 307 or 503 of a tenant routed elsewhere, with the console's headers.
HttpResponse NotOwner(const http::HttpRequest& request, std::string_view tenant_id,
                      const gateway::TenantOwner& owner) {
  HttpResponse r = gateway::NotOwnerResponse(tenant_id, owner, std::string_view(request.target()));
  r.set(Field::cache_control, "no-store");
  SetSecurityHeaders(r);
  return r;
}

HttpResponse Redirect(HttpStatus status, std::string_view location) {
  HttpResponse r = http::TextResponse(status, "", "text/plain");
  r.set(Field::location, location);
  return r;
}

// The host part of an Origin header ("https://host:port" -> "host:port").
std::string_view OriginHost(std::string_view origin) {
  const std::size_t scheme = origin.find("://");
  return scheme == std::string_view::npos ? origin : origin.substr(scheme + 3);
}

}  // namespace

class Console::Feed final : public routing::RoutingEventSink {
 public:
  explicit Feed(WallboardHub& hub) : hub_(hub) {}

  // Shard thread: flags the tenants whose wallboard changed, nothing more.
  void OnRoutingEvents(std::span<routing::RoutingEvent> events) override {
    const char* last = nullptr;  // events of one batch mostly share a tenant
    for (const routing::RoutingEvent& e : events) {
      if (e.type == routing::RoutingEventType::kMessage || e.type == routing::RoutingEventType::kCommandResult) {
        continue;  // neither changes a count the wallboard shows
      }
      if (e.tenant_id.data() == last) continue;
      last = e.tenant_id.data();
      hub_.MarkDirty(e.tenant_id);
    }
  }

 private:
  WallboardHub& hub_;
};

Console::Console(const config::Config& config, shard::ShardSet& shards, const gateway::Authenticator& auth,
                 const Clock& clock)
    : config_(config),
      shards_(shards),
      auth_(auth),
      clock_(clock),
      assets_(EmbeddedAssets()),
      hub_(std::make_unique<WallboardHub>(config, shards, clock)),
      feed_(std::make_unique<Feed>(*hub_)) {}

Console::~Console() { Stop(); }

routing::RoutingEventSink* Console::feed() { return feed_.get(); }

void Console::Start() { hub_->Start(); }
void Console::Stop() { hub_->Stop(); }

std::size_t Console::CloseTenantWallboards(std::string_view tenant_id, std::string_view owner_url) {
  gateway::TenantOwner owner{false, std::nullopt};
  if (!owner_url.empty()) owner.url.emplace(owner_url);
  return hub_->CloseTenant(tenant_id, gateway::OwnerMovedReason(owner));
}

std::optional<gateway::TenantOwner> Console::Elsewhere(const gateway::Principal& who) const {
  if (!owner_check_) return std::nullopt;
  gateway::TenantOwner owner = owner_check_(who.tenant->id);
  if (owner.here) return std::nullopt;
  return owner;
}

std::optional<HttpResponse> Console::Handle(http::HttpRequest& request, std::string_view path,
                                            http::RequestContext& ctx) {
  if (path == "/") return Redirect(HttpStatus::found, kPrefix);
  if (path == "/console") return Redirect(HttpStatus::moved_permanently, kPrefix);
  if (!path.starts_with(kPrefix)) return Error(HttpStatus::not_found, "not_found", "no such console page");
  const std::string_view name = path.substr(kPrefix.size());
  if (name == "api/wallboard") return Wallboard(request, ctx);
  if (name.starts_with("api/")) {
    if (request.method() != Verb::get) {
      HttpResponse r = Error(HttpStatus::method_not_allowed, "method_not_allowed", "allowed: GET");
      r.set(Field::allow, "GET");
      return r;
    }
    if (name == "api/session") return Session(request);
    if (name == "api/agents") return Agents(request);
    return Error(HttpStatus::not_found, "not_found", "no such console endpoint");
  }
  return assets_.Serve(request, name);
}

HttpResponse Console::Session(const http::HttpRequest& request) const {
  const std::optional<gateway::Principal> who = auth_.Authenticate(gateway::Authenticator::TokenOf(request, false));
  if (!who) return Error(HttpStatus::unauthorized, "unauthorized", "a valid bearer token is required");
  // Answered on any instance: the page learns here where its tenant is
  // routed (see console.h).
  const std::optional<gateway::TenantOwner> elsewhere = Elsewhere(*who);
  std::string out = "{";
  Str(out, "tenant", who->tenant->id);
  out += ",\"routed_here\":";
  out += elsewhere ? "false" : "true";
  out += ',';
  Key(out, "owner");
  const std::optional<std::string_view> owner_url =
      elsewhere ? gateway::UsableOwnerUrl(*elsewhere) : std::nullopt;
  if (owner_url) {
    http::AppendJsonString(out, *owner_url);
  } else {
    out += "null";
  }
  out += ',';
  Str(out, "role", config::TokenRoleName(who->role));
  out += ',';
  Key(out, "employee_id");
  if (who->admin()) {
    out += "null";
  } else {
    http::AppendJsonString(out, who->employee_id);
  }
  out += ',';
  Str(out, "name", who->name);
  out += ",\"permissions\":[";
  bool first = true;
  for (int i = 0; i < config::kLeaveOperationCount; ++i) {
    const auto op = static_cast<config::LeaveOperation>(i);
    if (!who->tenant->permissions.Allows(who->role, op)) continue;
    if (!first) out += ',';
    first = false;
    http::AppendJsonString(out, config::LeaveOperationName(op));
  }
  out += "],\"wallboard\":";
  out += who->admin() ? "true" : "false";
  // What the Personal settings page offers an agent.
  out += ",";
  gateway::AppendPersonalSettings(out, who->tenant->personal_settings);
  // Whether call-backs can be requested: the Call button needs a dialer.
  out += ",\"dialer\":";
  out += who->tenant->dialer.url.empty() ? "false" : "true";
  // An agent sees whether it is idle now, and why not (the rule of process
  // and call, agent_idle.h); an administrator acts for agents and is not held
  // to it.
  if (!who->admin() && activity_ && !elsewhere) {
    const Status idle =
        leave::CheckAgentIdle(who->employee_id, activity_(who->tenant->id, who->employee_id),
                              static_cast<std::uint32_t>(who->tenant->dialer.idle_max_active_sessions));
    out += ",\"idle\":";
    out += idle.ok() ? "true" : "false";
    out += ",";
    Key(out, "idle_reason");
    if (idle.ok()) {
      out += "null";
    } else {
      http::AppendJsonString(out, idle.message());
    }
  }
  // What the channel-type filter offers (the query accepts exactly these).
  out += ",\"channel_types\":[";
  first = true;
  for (const std::string& k : config::LeaveChannelTypes(*who->tenant)) {
    if (!first) out += ',';
    first = false;
    http::AppendJsonString(out, k);
  }
  out += "]}";
  return Json(HttpStatus::ok, std::move(out));
}

HttpResponse Console::Agents(const http::HttpRequest& request) const {
  const std::optional<gateway::Principal> who = auth_.Authenticate(gateway::Authenticator::TokenOf(request, false));
  if (!who) return Error(HttpStatus::unauthorized, "unauthorized", "a valid bearer token is required");
  if (auto owner = Elsewhere(*who)) return NotOwner(request, who->tenant->id, *owner);
  if (!who->tenant->permissions.Allows(who->role, config::LeaveOperation::kAllocate)) {
    return Error(HttpStatus::forbidden, "forbidden",
                 std::string(config::TokenRoleName(who->role)) +
                     " tokens of this tenant lack the 'allocate' permission");
  }
  std::string out = "{\"agents\":[";
  bool first = true;
  // In effect: a reload or the provisioning API may have added or removed some.
  const std::shared_ptr<const config::TenantConfig> tenant = shards_.tenant_configs().Get(who->tenant->id);
  for (const config::AgentConfig& a : tenant->agents) {
    if (a.retired) continue;
    if (!first) out += ',';
    first = false;
    out += '{';
    gateway::AppendConfiguredAgent(out, a);
    out += '}';
  }
  out += "]}";
  return Json(HttpStatus::ok, std::move(out));
}

std::optional<HttpResponse> Console::Wallboard(http::HttpRequest& request, http::RequestContext& ctx) {
  if (!boost::beast::websocket::is_upgrade(request)) {
    HttpResponse r = Error(HttpStatus::upgrade_required, "upgrade_required", "the wallboard feed is a WebSocket");
    r.set(Field::upgrade, "websocket");
    return r;
  }
  // Only pages of this origin may open the feed (a token is needed anyway;
  // this keeps other sites from even trying with one a user pasted there).
  const auto origin = request.find(Field::origin);
  if (origin != request.end() && OriginHost(origin->value()) != std::string_view(request[Field::host])) {
    return Error(HttpStatus::forbidden, "forbidden", "cross-origin wallboard connections are refused");
  }
  std::function<void()> report = ctx.FailedAuthenticationReporter();
  auto session = std::make_shared<WallboardSession>(ctx.TakeSocket(), *hub_, auth_, std::move(report), owner_check_);
  session->Accept(std::move(request));
  return std::nullopt;
}

}  // namespace routerd::console
