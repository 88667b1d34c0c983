// What the leave-message REST handlers (leave_message_api.cc and the files
// beside it) share: JSON answers and errors, the request body rule, who may
// act and see what.
//
// Thread safety: stateless functions.
#pragma once

#include <functional>

#include <simdjson.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "engine/config/config.h"
#include "engine/gateway/auth.h"
#include "engine/http/http_message.h"
#include "engine/leave/leave_types.h"

namespace routerd::leave::api {

http::HttpResponse Json(http::HttpStatus status, std::string body);
http::HttpResponse BadRequest(std::string_view detail);
http::HttpResponse Forbidden(std::string_view detail);
http::HttpResponse Conflict(std::string_view detail);
http::HttpResponse MethodNotAllowed(std::string_view allow);
// 403 naming the permission the caller's role lacks.
http::HttpResponse NoPermission(const gateway::Principal& who, config::LeaveOperation op);

std::optional<std::int64_t> ParseInt(std::string_view s);

// A JSON object body with only the allowed keys; errors name the field. With
// `empty_ok` an empty body reads as {}.
std::variant<simdjson::dom::element, http::HttpResponse> ParseBody(const http::HttpRequest& request,
                                                                  std::initializer_list<std::string_view> allowed,
                                                                  bool empty_ok);

leave::Actor ActorOf(const gateway::Principal& who);
bool Allowed(const gateway::Principal& who, config::LeaveOperation op);
// Contact numbers reach a browser only for roles with view_contact; the
// others get them masked, on the server.
bool SeesContact(const gateway::Principal& who);
// Agents see only what is allocated to them.
bool Visible(const gateway::Principal& who, const leave::StoredLeaveMessage& m);
bool IsVoiceFile(const leave::StoredLeaveMessage& m);
// Only the IVR, with the tenant admin's token, records voice messages: the
// refusal for anyone else (checked before the upload is read, and again by
// the handler).
std::optional<http::HttpResponse> RefuseVoiceCreator(const gateway::Principal& who);
// For a read task that failed (TaskThread::Post's on_failure): its request
// still gets an answer, 500.
std::function<void()> Answer500(std::function<void(http::HttpResponse)> reply);

}  // namespace routerd::leave::api
