// The pieces every /api/v1 route answers with: JSON responses, the error
// answers (401, 403, 405, and a Status turned into its HTTP code), path
// splitting and strict JSON-object bodies whose errors name the field.
//
// Thread safety: pure functions (ParseBody keeps a parser per thread).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <simdjson.h>

#include "engine/http/http_message.h"
#include "routerd/status.h"

namespace routerd::gateway {

http::HttpResponse Json(http::HttpStatus status, std::string body);
// OK -> 200 {"ok":true}; NotFound 404, InvalidArgument 400, PermissionDenied
// 403, FailedPrecondition
// and AlreadyExists 409, ResourceExhausted and Unavailable 503 with
// Retry-After; anything else 500.
http::HttpResponse FromCode(StatusCode code, std::string_view error);
http::HttpResponse MethodNotAllowed(std::string_view allow);
http::HttpResponse Forbidden(std::string_view detail);
http::HttpResponse Unauthorized();

// A session id in a path: decimal digits only, at most 20.
std::optional<std::uint64_t> ParseSessionId(std::string_view s);

// Splits "a/b/c" into its first segment and the rest ("/b/c").
std::pair<std::string_view, std::string_view> Head(std::string_view path);

// A JSON object body with only the allowed keys; errors name the field.
struct Body {
  simdjson::dom::element root;
  std::optional<http::HttpResponse> error;
};
Body ParseBody(const http::HttpRequest& request, std::initializer_list<std::string_view> allowed);

}  // namespace routerd::gateway
