// HttpRouter: the daemon's RequestHandler. Maps paths to handlers:
//   GET  /healthz                         200 {"status":"ok"}, or 503 {"status":"degraded",...}
//                                         while a dependency (storage) is unreachable
//   GET  /metrics                         Prometheus text format
//   GET|POST /webhooks/{kind}/{channel_id} channel webhooks (WebhookHandler)
//   /api/v1/...                            the agent and admin API (a handler set by the daemon)
//   / and /console/...                     the web console (a handler set by the daemon)
//   /callbacks/dialer/{tenant_id}          the telephony's call states (a handler set by the daemon)
// Unknown paths are 404, known paths with another method 405 (with Allow).
//
// Thread safety: Handle from any I/O thread; renderers must be thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/http/request_handler.h"
#include "engine/http/webhook_handler.h"
#include "engine/metrics/prometheus_writer.h"

namespace routerd::http {

class HttpRouter final : public RequestHandler {
 public:
  using MetricsRenderer = std::function<void(metrics::PrometheusWriter&)>;
  // Gets the path after "/api/v1".
  using ApiRoute = std::function<std::optional<HttpResponse>(HttpRequest&, std::string_view, RequestContext&)>;

  // Gets the whole path ("/" or "/console/...").
  using ConsoleRoute = ApiRoute;
  // The body an /api/v1 request may send, from its header (the path after
  // "/api/v1"): where the token is checked before a large body is read.
  using ApiBodyRule = std::function<BodyPermit(const HttpRequest&, std::string_view, std::size_t default_limit)>;

  // Gets the path after "/callbacks/dialer" ("/acme").
  using DialerCallbackRoute = ApiRoute;

  HttpRouter(WebhookHandler& webhooks, std::vector<MetricsRenderer> metrics, ApiRoute api = {},
             ConsoleRoute console = {}, ApiBodyRule api_body = {}, DialerCallbackRoute dialer_callbacks = {})
      : webhooks_(webhooks),
        metrics_(std::move(metrics)),
        api_(std::move(api)),
        console_(std::move(console)),
        api_body_(std::move(api_body)),
        dialer_callbacks_(std::move(dialer_callbacks)) {}

  // Says what is degraded (e.g. "storage": why), or nothing when all is well.
  // Called on every GET /healthz; must be thread-safe and quick.
  struct Degradation {
    std::string component;
    std::string detail;
  };
  using HealthCheck = std::function<std::optional<Degradation>()>;
  void SetHealthCheck(HealthCheck check) { health_ = std::move(check); }

  // /healthz, /metrics and the console take no body; webhooks and the API
  // the server's default unless their handlers say otherwise; an unknown path
  // is 404 before its body is read.
  BodyPermit AdmitBody(const HttpRequest& head, std::size_t default_limit) override;
  std::optional<HttpResponse> Handle(HttpRequest& request, RequestContext& ctx) override;

 private:
  enum class RouteKind { kHealth, kMetrics, kApi, kConsole, kWebhook, kDialerCallback, kNone };
  struct Route {
    RouteKind kind;
    // kApi: the path after "/api/v1"; kDialerCallback: the path after
    // "/callbacks/dialer"; kWebhook: the channel kind; otherwise the path.
    std::string_view path;
    std::string_view channel_id;  // kWebhook only
  };
  // The one place where a path is mapped to its handler.
  Route RouteOf(const HttpRequest& request) const;
  HttpResponse Health() const;

  WebhookHandler& webhooks_;
  std::vector<MetricsRenderer> metrics_;
  ApiRoute api_;
  ConsoleRoute console_;
  ApiBodyRule api_body_;
  DialerCallbackRoute dialer_callbacks_;
  HealthCheck health_;
};

}  // namespace routerd::http
