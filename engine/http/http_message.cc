#include "engine/http/http_message.h"

namespace routerd::http {

HttpResponse TextResponse(HttpStatus status, std::string body, std::string_view content_type) {
  HttpResponse res{status, 11};
  res.set(boost::beast::http::field::content_type, content_type);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

HttpResponse JsonError(HttpStatus status, std::string_view error, std::string_view detail) {
  std::string body = "{\"error\":";
  AppendJsonString(body, error);
  body += ",\"detail\":";
  AppendJsonString(body, detail);
  body += "}";
  return TextResponse(status, std::move(body), "application/json");
}

void AppendJsonKey(std::string& out, std::string_view key) {
  AppendJsonString(out, key);
  out.push_back(':');
}

void AppendJsonStringField(std::string& out, std::string_view key, std::string_view value) {
  AppendJsonKey(out, key);
  AppendJsonString(out, value);
}

void AppendJsonIntField(std::string& out, std::string_view key, std::int64_t value) {
  AppendJsonKey(out, key);
  out += std::to_string(value);
}

}  // namespace routerd::http
