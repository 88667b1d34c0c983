#include "engine/leave/dialer_callbacks.h"

#include <simdjson.h>

#include <utility>

#include <boost/beast/http/field.hpp>

#include "engine/leave/leave_api_common.h"
#include "engine/leave/leave_audit.h"
#include "routerd/signed_request.h"

namespace routerd::leave {
namespace {

using http::HttpResponse;
using http::HttpStatus;
using namespace api;  // NOLINT: the handlers' shared vocabulary

constexpr std::size_t kMaxCallId = 128;
constexpr std::size_t kMaxDetail = 256;

HttpResponse Unauthorized(std::string_view detail) {
  return http::JsonError(HttpStatus::unauthorized, "unauthorized", detail);
}

std::optional<LeaveAudit> StateAudit(std::string_view state) {
  if (state == "ringing") return LeaveAudit::kCallRinging;
  if (state == "connected") return LeaveAudit::kCallConnected;
  if (state == "failed") return LeaveAudit::kCallFailed;
  if (state == "no_answer") return LeaveAudit::kCallNoAnswer;
  return std::nullopt;
}

bool PrintableUtf8(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

DialerCallbacks::DialerCallbacks(const config::Config& config, LeaveRepository& store, const Clock& clock,
                                 std::size_t max_remembered)
    : config_(config), store_(store), clock_(clock), memory_(std::make_shared<Memory>(max_remembered)) {}

const config::TenantConfig* DialerCallbacks::FindTenant(std::string_view tenant_id) const {
  if (lookup_) return lookup_(tenant_id);
  for (const config::TenantConfig& t : config_.tenants) {
    if (t.id == tenant_id) return &t;
  }
  return nullptr;
}

DialerCallbacks::Memory::Seen DialerCallbacks::Memory::Remember(const std::string& key, std::int64_t now_ms,
                                                                std::int64_t ttl_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  while (!order_.empty() && order_.front().expires_ms <= now_ms) {
    seen_.erase(order_.front().key);
    order_.pop_front();
  }
  if (seen_.contains(key)) return Seen::kRepeat;
  if (seen_.size() >= max_) return Seen::kFull;
  seen_.insert(key);
  order_.push_back({now_ms + ttl_ms, key});
  return Seen::kNew;
}

void DialerCallbacks::Memory::Forget(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  seen_.erase(key);  // its order_ entry expires harmlessly
}

std::optional<HttpResponse> DialerCallbacks::Handle(http::HttpRequest& request, std::string_view path,
                                                    http::RequestContext& ctx) {
  return Handle(request, path, LeaveMessageApi::Deferrer([&ctx]() -> LeaveMessageApi::Reply {
                  http::DeferredResponse later = ctx.Defer();
                  return [later](HttpResponse r) { later.Send(std::move(r)); };
                }));
}

std::optional<HttpResponse> DialerCallbacks::Handle(http::HttpRequest& request, std::string_view path,
                                                    const LeaveMessageApi::Deferrer& defer) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  const config::TenantConfig* tenant = FindTenant(path);
  if (tenant == nullptr || tenant->dialer.url.empty()) {
    return http::JsonError(HttpStatus::not_found, "not_found", "no dialer callbacks for this tenant");
  }
  if (request.method() != boost::beast::http::verb::post) return MethodNotAllowed("POST");
  const config::DialerConfig& dialer = tenant->dialer;
  const std::string_view timestamp = request[kTimestampHeader];
  const std::string_view signature = request[kSignatureHeader];
  if (timestamp.empty() || signature.empty()) {
    return Unauthorized(std::string(kTimestampHeader) + " and " + std::string(kSignatureHeader) + " are required");
  }
  const std::optional<std::int64_t> seconds = ParseTimestampHeader(timestamp);
  if (!seconds) return Unauthorized(std::string(kTimestampHeader) + ": must be Unix seconds (digits only)");
  const std::int64_t now_ms = clock_.WallMs();
  if (!WithinReplayWindow(*seconds, now_ms, dialer.callback_tolerance_seconds)) {
    return Unauthorized(std::string(kTimestampHeader) + ": more than " +
                        std::to_string(dialer.callback_tolerance_seconds) + " s from now");
  }
  if (!VerifyRequestSignature(signature, dialer.secret, timestamp, request.body())) {
    return Unauthorized(std::string(kSignatureHeader) + ": does not match the body and timestamp");
  }

  auto body = ParseBody(request, {"call_id", "message_id", "state", "detail"}, false);
  if (auto* err = std::get_if<HttpResponse>(&body)) return std::move(*err);
  const simdjson::dom::element root = std::get<simdjson::dom::element>(body);
  std::string_view call_id, state, detail;
  std::int64_t message_id = 0;
  if (root["call_id"].get_string().get(call_id) != simdjson::SUCCESS) {
    return BadRequest("call_id is required (a string)");
  }
  if (call_id.empty() || call_id.size() > kMaxCallId || !PrintableUtf8(call_id) ||
      call_id.find(' ') != std::string_view::npos) {
    return BadRequest("call_id: 1.." + std::to_string(kMaxCallId) + " bytes without spaces or control characters");
  }
  if (root["message_id"].get_int64().get(message_id) != simdjson::SUCCESS || message_id <= 0) {
    return BadRequest("message_id is required (a positive integer)");
  }
  if (root["state"].get_string().get(state) != simdjson::SUCCESS) return BadRequest("state is required (a string)");
  const std::optional<LeaveAudit> audit = StateAudit(state);
  if (!audit) {
    return BadRequest("state: \"" + std::string(state) + "\" is not valid (allowed: ringing, connected, failed, no_answer)");
  }
  auto d = root["detail"];
  if (d.error() != simdjson::NO_SUCH_FIELD) {
    if (d.get_string().get(detail) != simdjson::SUCCESS) return BadRequest("detail must be a string");
    if (detail.size() > kMaxDetail || !PrintableUtf8(detail)) {
      return BadRequest("detail: at most " + std::to_string(kMaxDetail) + " bytes without control characters");
    }
  }

  // Remembered only once authentic and well formed: only the telephony can fill this.
  std::string key = tenant->id + "\n" + std::string(signature);
  using Seen = Memory::Seen;
  switch (memory_->Remember(key, now_ms, 2 * static_cast<std::int64_t>(dialer.callback_tolerance_seconds) * 1000)) {
    case Seen::kRepeat:
      return Json(HttpStatus::ok, R"({"ok":true,"duplicate":true})");
    case Seen::kFull: {
      HttpResponse r = http::JsonError(HttpStatus::service_unavailable, "unavailable",
                                       "too many recent callbacks to check for replays; retry later");
      r.set(boost::beast::http::field::retry_after, "1");
      return r;
    }
    case Seen::kNew:
      break;
  }
  std::string entry = CallAuditDetail(call_id, detail);
  LeaveMessageApi::Reply reply = defer();
  Status s = store_.RecordAuditAsync(tenant->id, message_id, *audit, std::move(entry), Actor{"dialer", {}},
                                     [reply, memory = memory_, key](StatusOr<StoredLeaveMessage> r) {
                                       if (!r.ok()) {
                                         memory->Forget(key);
                                         return reply(ErrorResponse(r.status()));
                                       }
                                       reply(Json(HttpStatus::ok, R"({"ok":true})"));
                                     });
  if (!s.ok()) {
    memory_->Forget(key);
    reply(ErrorResponse(s));
  }
  return std::nullopt;
}

}  // namespace routerd::leave
