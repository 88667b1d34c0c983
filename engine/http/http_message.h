// The HTTP message types every handler speaks, and helpers to build replies.
//
// Handlers turn an HttpRequest into an HttpResponse and know nothing about
// sockets; HttpSession does the I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "routerd/text_encoding.h"

namespace routerd::http {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;
using HttpStatus = boost::beast::http::status;

// Short JSON error body: {"error":"...","detail":"..."}. Never put secrets or
// internals in either string.
HttpResponse JsonError(HttpStatus status, std::string_view error, std::string_view detail);
HttpResponse TextResponse(HttpStatus status, std::string body, std::string_view content_type = "text/plain");

// JSON string escaping for the bodies the engine writes by hand: the one
// implementation, shared with the adapters (routerd/text_encoding.h).
using ::routerd::AppendJsonString;
// Fields of such bodies: `"key":`, `"key":"value"` (escaped), `"key":123`.
// The caller writes the commas between them.
void AppendJsonKey(std::string& out, std::string_view key);
void AppendJsonStringField(std::string& out, std::string_view key, std::string_view value);
void AppendJsonIntField(std::string& out, std::string_view key, std::int64_t value);

// Short names of the three, for files that write many fields
// (`using namespace http::json_fields;`).
namespace json_fields {
inline constexpr auto& Key = AppendJsonKey;
inline constexpr auto& Str = AppendJsonStringField;
inline constexpr auto& Num = AppendJsonIntField;
}  // namespace json_fields

}  // namespace routerd::http
