#include "engine/gateway/api_common.h"

#include <boost/beast/http/field.hpp>

namespace routerd::gateway {

using http::HttpRequest;
using http::HttpResponse;
using http::HttpStatus;
using http::JsonError;

HttpResponse Json(HttpStatus status, std::string body) {
  return http::TextResponse(status, std::move(body), "application/json");
}

HttpResponse Forbidden(std::string_view detail);

HttpResponse FromCode(StatusCode code, std::string_view error) {
  switch (code) {
    case StatusCode::kOk: return Json(HttpStatus::ok, "{\"ok\":true}");
    case StatusCode::kNotFound: return JsonError(HttpStatus::not_found, "not_found", error);
    case StatusCode::kInvalidArgument: return JsonError(HttpStatus::bad_request, "bad_request", error);
    case StatusCode::kPermissionDenied: return Forbidden(error);
    case StatusCode::kFailedPrecondition:
    case StatusCode::kAlreadyExists: return JsonError(HttpStatus::conflict, "conflict", error);
    case StatusCode::kUnavailable:
    case StatusCode::kResourceExhausted: {
      HttpResponse r = JsonError(HttpStatus::service_unavailable,
                                 code == StatusCode::kUnavailable ? "unavailable" : "overloaded", error);
      r.set(boost::beast::http::field::retry_after, "1");
      return r;
    }
    default: return JsonError(HttpStatus::internal_server_error, "internal", error);
  }
}

HttpResponse MethodNotAllowed(std::string_view allow) {
  HttpResponse r = JsonError(HttpStatus::method_not_allowed, "method_not_allowed", "allowed: " + std::string(allow));
  r.set(boost::beast::http::field::allow, allow);
  return r;
}

HttpResponse Forbidden(std::string_view detail) { return JsonError(HttpStatus::forbidden, "forbidden", detail); }

HttpResponse Unauthorized() {
  HttpResponse r = JsonError(HttpStatus::unauthorized, "unauthorized", "a valid bearer token is required");
  r.set(boost::beast::http::field::www_authenticate, "Bearer");
  return r;
}

std::optional<std::uint64_t> ParseSessionId(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

std::pair<std::string_view, std::string_view> Head(std::string_view path) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  const std::size_t slash = path.find('/');
  if (slash == std::string_view::npos) return {path, {}};
  return {path.substr(0, slash), path.substr(slash)};
}

Body ParseBody(const HttpRequest& request, std::initializer_list<std::string_view> allowed) {
  thread_local simdjson::dom::parser parser;
  Body b;
  if (parser.parse(simdjson::padded_string(request.body())).get(b.root) != simdjson::SUCCESS ||
      !b.root.is_object()) {
    b.error = JsonError(HttpStatus::bad_request, "bad_request", "the body must be a JSON object");
    return b;
  }
  simdjson::dom::object object;
  if (b.root.get_object().get(object) != simdjson::SUCCESS) {
    b.error = JsonError(HttpStatus::bad_request, "bad_request", "the body must be a JSON object");
    return b;
  }
  for (auto field : object) {
    bool known = false;
    for (std::string_view k : allowed) known |= field.key == k;
    if (!known) {
      b.error = JsonError(HttpStatus::bad_request, "bad_request", "unknown field '" + std::string(field.key) + "'");
      return b;
    }
  }
  return b;
}

}  // namespace routerd::gateway
