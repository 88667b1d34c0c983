#include "engine/leave/leave_api_common.h"

#include <charconv>

#include <boost/beast/http/field.hpp>

#include "engine/config/token_rules.h"

namespace routerd::leave::api {

using http::HttpResponse;
using http::HttpStatus;

HttpResponse Json(HttpStatus status, std::string body) {
  return http::TextResponse(status, std::move(body), "application/json");
}

HttpResponse BadRequest(std::string_view detail) {
  return http::JsonError(HttpStatus::bad_request, "bad_request", detail);
}

HttpResponse Forbidden(std::string_view detail) { return http::JsonError(HttpStatus::forbidden, "forbidden", detail); }

HttpResponse Conflict(std::string_view detail) { return http::JsonError(HttpStatus::conflict, "conflict", detail); }

HttpResponse MethodNotAllowed(std::string_view allow) {
  HttpResponse r =
      http::JsonError(HttpStatus::method_not_allowed, "method_not_allowed", "allowed: " + std::string(allow));
  r.set(boost::beast::http::field::allow, allow);
  return r;
}

HttpResponse NoPermission(const gateway::Principal& who, config::LeaveOperation op) {
  return Forbidden(std::string(config::TokenRoleName(who.role)) + " tokens of this tenant lack the '" +
                   std::string(config::LeaveOperationName(op)) + "' permission");
}

std::optional<std::int64_t> ParseInt(std::string_view s) {
  std::int64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::variant<simdjson::dom::element, HttpResponse> ParseBody(const http::HttpRequest& request,
                                                            std::initializer_list<std::string_view> allowed,
                                                            bool empty_ok) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (empty_ok && request.body().find_first_not_of(" \t\r\n") == std::string::npos) {
    if (parser.parse(simdjson::padded_string(std::string_view("{}"))).get(root) != simdjson::SUCCESS) {
      return BadRequest("the body must be a JSON object");
    }
    return root;
  }
  simdjson::dom::object object;
  if (parser.parse(simdjson::padded_string(request.body())).get(root) != simdjson::SUCCESS ||
      root.get_object().get(object) != simdjson::SUCCESS) {
    return BadRequest("the body must be a JSON object");
  }
  for (auto field : object) {
    bool known = false;
    for (std::string_view k : allowed) known |= field.key == k;
    if (!known) return BadRequest("unknown field '" + std::string(field.key) + "'");
  }
  return root;
}

leave::Actor ActorOf(const gateway::Principal& who) {
  return leave::Actor{who.name, who.admin() ? std::string() : who.employee_id};
}

bool Allowed(const gateway::Principal& who, config::LeaveOperation op) {
  return who.tenant->permissions.Allows(who.role, op);
}

bool SeesContact(const gateway::Principal& who) { return Allowed(who, config::LeaveOperation::kViewContact); }

bool Visible(const gateway::Principal& who, const leave::StoredLeaveMessage& m) {
  return who.admin() || (m.employee_id && *m.employee_id == who.employee_id);
}

bool IsVoiceFile(const leave::StoredLeaveMessage& m) {
  return m.channel_kind == "voice" && !m.attachment_sha256.empty() && !m.attachment_ref.empty();
}

std::optional<http::HttpResponse> RefuseVoiceCreator(const gateway::Principal& who) {
  if (who.admin()) return std::nullopt;
  return Forbidden("creating a voice message needs a tenant_admin token (the IVR's)");
}

std::function<void()> Answer500(std::function<void(http::HttpResponse)> reply) {
  return [reply = std::move(reply)] {
    reply(http::JsonError(http::HttpStatus::internal_server_error, "internal", "the request could not be handled"));
  };
}

}  // namespace routerd::leave::api
