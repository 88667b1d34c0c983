#include "engine/http/http_router.h"

#include <boost/beast/http/field.hpp>

namespace routerd::http {
namespace beast_http = boost::beast::http;

namespace {

HttpResponse MethodNotAllowed(std::string_view allow) {
  HttpResponse res = JsonError(HttpStatus::method_not_allowed, "method_not_allowed", "allowed: " + std::string(allow));
  res.set(beast_http::field::allow, allow);
  return res;
}

HttpResponse NotFound() { return JsonError(HttpStatus::not_found, "not_found", "no such endpoint"); }

}  // namespace

HttpRouter::Route HttpRouter::RouteOf(const HttpRequest& request) const {
  std::string_view path = request.target();
  path = path.substr(0, path.find('?'));
  if (path == "/healthz") return {RouteKind::kHealth, path};
  if (path == "/metrics") return {RouteKind::kMetrics, path};
  constexpr std::string_view kApi = "/api/v1/";
  if (api_ && path.starts_with(kApi)) return {RouteKind::kApi, path.substr(kApi.size() - 1)};
  if (console_ && (path == "/" || path == "/console" || path.starts_with("/console/"))) {
    return {RouteKind::kConsole, path};
  }
  constexpr std::string_view kDialer = "/callbacks/dialer/";
  if (dialer_callbacks_ && path.starts_with(kDialer)) return {RouteKind::kDialerCallback, path.substr(kDialer.size() - 1)};
  constexpr std::string_view kWebhooks = "/webhooks/";
  if (path.starts_with(kWebhooks)) {
    std::string_view rest = path.substr(kWebhooks.size());
    const std::size_t slash = rest.find('/');
    if (slash != std::string_view::npos && slash > 0 && slash + 1 < rest.size() &&
        rest.find('/', slash + 1) == std::string_view::npos) {
      return {RouteKind::kWebhook, rest.substr(0, slash), rest.substr(slash + 1)};
    }
  }
  return {RouteKind::kNone, path};
}

BodyPermit HttpRouter::AdmitBody(const HttpRequest& head, std::size_t default_limit) {
  const Route route = RouteOf(head);
  const bool get = head.method() == beast_http::verb::get;
  switch (route.kind) {
    case RouteKind::kHealth:
    case RouteKind::kMetrics:
    case RouteKind::kConsole:
      // Read-only pages: no body at all.
      if (!get) return BodyPermit::Refuse(MethodNotAllowed("GET"));
      return BodyPermit::Allow(0);
    case RouteKind::kApi:
      return api_body_ ? api_body_(head, route.path, default_limit) : BodyPermit::Allow(default_limit);
    case RouteKind::kWebhook:
      return webhooks_.AdmitBody(head, route.path, route.channel_id, default_limit);
    case RouteKind::kDialerCallback:
      // Signed like a webhook, over its body: checked once it is read.
      return BodyPermit::Allow(default_limit);
    case RouteKind::kNone:
      break;
  }
  return BodyPermit::Refuse(NotFound());
}

HttpResponse HttpRouter::Health() const {
  std::optional<Degradation> degraded = health_ ? health_() : std::nullopt;
  if (!degraded) return TextResponse(HttpStatus::ok, "{\"status\":\"ok\"}", "application/json");
  // The process is alive and recovers by itself: 503 tells a load balancer
  // to send webhooks elsewhere meanwhile, the body tells an operator why.
  std::string body = "{";
  AppendJsonStringField(body, "status", "degraded");
  body.push_back(',');
  AppendJsonStringField(body, degraded->component, "unavailable");
  body.push_back(',');
  AppendJsonStringField(body, "detail", degraded->detail);
  body.push_back('}');
  HttpResponse response = TextResponse(HttpStatus::service_unavailable, std::move(body), "application/json");
  response.set(boost::beast::http::field::retry_after, "5");
  return response;
}

std::optional<HttpResponse> HttpRouter::Handle(HttpRequest& request, RequestContext& ctx) {
  const Route route = RouteOf(request);
  const bool get = request.method() == beast_http::verb::get;
  switch (route.kind) {
    case RouteKind::kHealth:
      if (!get) return MethodNotAllowed("GET");
      return Health();
    case RouteKind::kMetrics: {
      if (!get) return MethodNotAllowed("GET");
      metrics::PrometheusWriter out;
      for (const auto& render : metrics_) render(out);
      return TextResponse(HttpStatus::ok, out.Take(), "text/plain; version=0.0.4");
    }
    case RouteKind::kApi:
      return api_(request, route.path, ctx);
    case RouteKind::kConsole:
      return console_(request, route.path, ctx);
    case RouteKind::kWebhook:
      return webhooks_.Handle(request, route.path, route.channel_id, ctx);
    case RouteKind::kDialerCallback:
      return dialer_callbacks_(request, route.path, ctx);
    case RouteKind::kNone:
      break;
  }
  return NotFound();
}

}  // namespace routerd::http
