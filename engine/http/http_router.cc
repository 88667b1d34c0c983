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

}  // namespace

std::optional<HttpResponse> HttpRouter::Handle(HttpRequest& request, RequestContext& ctx) {
  std::string_view path = request.target();
  path = path.substr(0, path.find('?'));
  const bool get = request.method() == beast_http::verb::get;

  if (path == "/healthz") {
    if (!get) return MethodNotAllowed("GET");
    return TextResponse(HttpStatus::ok, "{\"status\":\"ok\"}", "application/json");
  }
  if (path == "/metrics") {
    if (!get) return MethodNotAllowed("GET");
    metrics::PrometheusWriter out;
    for (const auto& render : metrics_) render(out);
    return TextResponse(HttpStatus::ok, out.Take(), "text/plain; version=0.0.4");
  }
  constexpr std::string_view kApi = "/api/v1/";
  if (api_ && path.starts_with(kApi)) return api_(request, path.substr(kApi.size() - 1), ctx);
  if (console_ && (path == "/" || path == "/console" || path.starts_with("/console/"))) {
    return console_(request, path, ctx);
  }
  constexpr std::string_view kDialer = "/callbacks/dialer/";
  if (dialer_callbacks_ && path.starts_with(kDialer)) {
    return dialer_callbacks_(request, path.substr(kDialer.size() - 1), ctx);
  }
  constexpr std::string_view kWebhooks = "/webhooks/";
  if (path.starts_with(kWebhooks)) {
    std::string_view rest = path.substr(kWebhooks.size());
    const std::size_t slash = rest.find('/');
    if (slash != std::string_view::npos && slash > 0 && slash + 1 < rest.size() &&
        rest.find('/', slash + 1) == std::string_view::npos) {
      return webhooks_.Handle(request, rest.substr(0, slash), rest.substr(slash + 1), ctx);
    }
  }
  return JsonError(HttpStatus::not_found, "not_found", "no such endpoint");
}

}  // namespace routerd::http
